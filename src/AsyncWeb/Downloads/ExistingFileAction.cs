using System.Collections.Generic;
using System.Net;
using System.Security.Authentication;

namespace AsyncWeb.Downloads;

/// <summary>What happens to a download whose target file already exists.</summary>
internal enum ExistingFileAction
{
    /// <summary>The item fails with FileExists and the file is left alone.</summary>
    Fail,
    /// <summary>The file is replaced (atomically) by the new download.</summary>
    Overwrite,
    /// <summary>The item is not requested; its result says Skipped.</summary>
    Skip,
}
