using System;
using System.Collections.Generic;
using System.Linq;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace AsyncWeb.Tests.Architecture;

/// <summary>One line per public type and member of an assembly, sorted: the text PublicAPI.txt holds.</summary>
internal static class PublicApiLister
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>The listing of AsyncWeb.dll (net8.0), read as metadata beside the runtime's and PowerShell's reference assemblies.</summary>
    public static string[] ListAsyncWeb()
    {
        var here = AppContext.BaseDirectory;
        var paths = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
            .Concat(Directory.GetFiles(here, "*.dll").Where(p => !Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) && !Path.GetFileName(p).StartsWith("Microsoft.", StringComparison.Ordinal)))
            .Append(Path.Combine(here, "metadata", "System.Management.Automation.dll"));
        using var context = new MetadataLoadContext(new PathAssemblyResolver(paths));
        return List(context.LoadFromAssemblyPath(Path.Combine(here, "AsyncWeb.dll")));
    }

    private static string[] List(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes())
        {
            lines.Add($"T:{Kind(type)} {Name(type)}{Bases(type)}");
            lines.AddRange(Members(type).Select(m => $"M:{Name(type)}.{m}"));
        }

        lines.Sort(StringComparer.Ordinal);
        return lines.ToArray();
    }

    private static IEnumerable<string> Members(Type type)
    {
        if (type.IsEnum)
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                yield return $"{field.Name} = {Convert.ToInt64(field.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}";
            }

            yield break;
        }

        foreach (var member in type.GetMembers(Declared))
        {
            switch (member)
            {
                case ConstructorInfo c:
                    yield return $".ctor({Parameters(c)})";
                    break;
                case MethodInfo m when !m.IsSpecialName:
                    if (m.DeclaringType!.IsEnum) break;
                    yield return $"{(m.IsStatic ? "static " : "")}{m.Name}({Parameters(m)}) -> {Name(m.ReturnType)}";
                    break;
                case PropertyInfo p:
                    var get = p.GetMethod is { IsPublic: true } ? "get; " : "";
                    var set = p.SetMethod is { IsPublic: true } ? "set; " : "";
                    var attributes = string.Join("", p.GetCustomAttributesData().Where(a => a.AttributeType.Namespace == "System.Management.Automation" && a.AttributeType.Name == "ParameterAttribute").Select(_ => "[Parameter] "));
                    yield return $"{attributes}{p.Name} {{ {get}{set}}} -> {Name(p.PropertyType)}";
                    break;
                case FieldInfo f:
                    yield return $"{(f.IsStatic ? "static " : "")}{f.Name} -> {Name(f.FieldType)}";
                    break;
                case EventInfo e:
                    yield return $"event {e.Name} -> {Name(e.EventHandlerType!)}";
                    break;
            }
        }
    }

    private static string Kind(Type type) =>
        type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct"
        : (type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : type.IsAbstract ? "abstract class" : "class");

    private static string Bases(Type type)
    {
        var bases = new List<string>();
        if (type.BaseType is { } b && b.FullName is not ("System.Object" or "System.ValueType" or "System.Enum"))
        {
            bases.Add(Name(b));
        }

        bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic && !type.IsEnum).Select(Name).OrderBy(n => n, StringComparer.Ordinal));
        return bases.Count == 0 ? "" : " : " + string.Join(", ", bases);
    }

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(p => Name(p.ParameterType) + " " + p.Name));

    private static string Name(Type type)
    {
        if (type.IsGenericType)
        {
            var name = type.GetGenericTypeDefinition().FullName!;
            name = name.Substring(0, name.IndexOf('`'));
            return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>";
        }

        return (type.FullName ?? type.Name).Replace('+', '.');
    }
}
