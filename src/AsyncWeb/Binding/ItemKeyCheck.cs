using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AsyncWeb.Requests;

namespace AsyncWeb.Binding;

/// <summary>
/// Catches misspelt item keys before a request goes out in a shape nobody meant (a POST sent as a GET). A
/// hashtable is written for this command, so a key nothing reads is that item's error (UnknownItemKey). A
/// pscustomobject (a CSV row, Select-Object output) legitimately carries other columns: only a property a slip
/// away from a known name is reported, as one warning per such name per batch (of the first
/// <see cref="ObjectsChecked"/> objects). Objects of other types are
/// not checked: their property names were not typed by the user.
/// </summary>
internal sealed class ItemKeyCheck
{
    private readonly HashSet<string> _fields;
    private readonly HashSet<string> _known;
    private readonly HashSet<string> _seen = new(StringComparer.OrdinalIgnoreCase);
    private int _objectsChecked;

    /// <summary>
    /// Objects checked per batch: reading an object's properties costs about as much as binding it, and the rows of
    /// a batch share their columns, so a slip shows in the first ones.
    /// </summary>
    public const int ObjectsChecked = 1000;

    /// <param name="pipelineNames">Parameters bound from the pipeline by property name: read like the request's fields.</param>
    /// <param name="chosenKeys">
    /// Names the user chose (-JournalKey, -PartitionKey): accepted, but never suggested, since a slip there is the
    /// parameter's, which its own check reports.
    /// </param>
    public ItemKeyCheck(IEnumerable<string> pipelineNames, IEnumerable<string?> chosenKeys)
    {
        _fields = new HashSet<string>(ItemFields.Names.Concat(pipelineNames), StringComparer.OrdinalIgnoreCase);
        _known = new HashSet<string>(_fields.Concat(chosenKeys.OfType<string>().Where(k => k.Length > 0)), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Throws <see cref="InvalidInputException"/> (UnknownItemKey) for a hashtable item with a key nothing reads.</summary>
    public void CheckKeys(object? item)
    {
        if ((item is PSObject pso ? pso.BaseObject : item) is not IDictionary dictionary)
        {
            return;
        }

        foreach (DictionaryEntry entry in dictionary)
        {
            var key = RequestSpecBuilder.ToText(entry.Key);
            if (_known.Contains(key))
            {
                continue;
            }

            var hint = NearestName.Find(key, _fields) is { } nearest
                ? $"did you mean '{nearest}'?"
                : $"an item's keys are {string.Join(", ", ItemFields.Names)}";
            throw new InvalidInputException(ErrorIds.UnknownItemKey, $"the hashtable's key '{key}' is not an item key, so it would be ignored; {hint}");
        }
    }

    /// <summary>For a pscustomobject: a warning for each property not yet reported that is a slip of a known name; empty otherwise.</summary>
    public IEnumerable<string> Warnings(object? item)
    {
        if (item is not PSObject { BaseObject: PSCustomObject } shape || ++_objectsChecked > ObjectsChecked)
        {
            return Array.Empty<string>();
        }

        List<string>? warnings = null;
        foreach (var property in shape.Properties)
        {
            if (!_seen.Add(property.Name) || _known.Contains(property.Name))
            {
                continue;
            }

            if (NearestName.Find(property.Name, _fields) is { } nearest)
            {
                (warnings ??= new List<string>()).Add($"property '{property.Name}' of the input objects is not used; did you mean '{nearest}'?");
            }
        }

        return warnings ?? Enumerable.Empty<string>();
    }
}
