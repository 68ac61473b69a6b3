using System.Management.Automation;
using AsyncWeb.Connections;

namespace AsyncWeb.Commands;

/// <summary>Closes the module-wide connection pool when the module is removed.</summary>
public sealed class ModuleCleanup : IModuleAssemblyCleanup
{
    /// <inheritdoc />
    public void OnRemove(PSModuleInfo psModuleInfo) => ClientPool.Clear();
}
