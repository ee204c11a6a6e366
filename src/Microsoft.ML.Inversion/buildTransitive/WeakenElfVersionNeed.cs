// Compiled at build time by MSBuild's RoslynCodeTaskFactory (see Microsoft.ML.Inversion.targets).
// Keep it to C# 7.3 and netstandard2.0 APIs: that is what the code task factory guarantees.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Marks one symbol-version requirement (for example GLIBCXX_3.4.32) of ELF shared libraries as weak
/// (VER_FLG_WEAK in the Vernaux entry of .gnu.version_r), so that the dynamic loader accepts a host
/// libstdc++ that lacks that version. Only that one 16-bit flags field changes; the file size and every
/// other byte stay the same. The library is rewritten through a temporary file and a rename, so a hard
/// link into the NuGet cache is never written through.
/// </summary>
public sealed class WeakenElfVersionNeed : Task
{
    private const ushort VerFlgWeak = 0x2;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>The ELF files to patch (copies in an output folder, never the package cache).</summary>
    [Required]
    public ITaskItem[] Files { get; set; }

    /// <summary>The version name whose requirement becomes weak, e.g. GLIBCXX_3.4.32.</summary>
    [Required]
    public string VersionName { get; set; }

    /// <summary>The library that provides the version (default libstdc++.so.6).</summary>
    public string ProvidingLibrary { get; set; }

    /// <summary>auto (patch only when the host library lacks the version), always, or never.</summary>
    public string Mode { get; set; }

    /// <summary>Folders that must never be written (the NuGet package roots).</summary>
    public string ProtectedFolders { get; set; }

    /// <summary>The files that were changed by this run.</summary>
    [Output]
    public ITaskItem[] PatchedFiles { get; set; }

    public override bool Execute()
    {
        var patched = new List<ITaskItem>();
        PatchedFiles = patched.ToArray();
        string mode = string.IsNullOrEmpty(Mode) ? "auto" : Mode.ToLowerInvariant();
        if (mode == "never" || Files == null || Files.Length == 0)
            return true;

        if (mode == "auto")
        {
            string library = string.IsNullOrEmpty(ProvidingLibrary) ? "libstdc++.so.6" : ProvidingLibrary;
            string host = FindHostLibrary(library);
            if (host == null)
            {
                Log.LogMessage(MessageImportance.Low, "{0}: no host {1} found; nothing to decide, leaving libraries as they are.", GetType().Name, library);
                return true;
            }
            if (FileDefinesVersion(host, VersionName))
            {
                Log.LogMessage(MessageImportance.Low, "{0}: {1} provides {2}; no patch needed.", GetType().Name, host, VersionName);
                return true;
            }
            Log.LogMessage(MessageImportance.Normal, "{0}: {1} lacks {2}; marking that requirement weak.", GetType().Name, host, VersionName);
        }

        foreach (ITaskItem item in Files)
        {
            string path = Path.GetFullPath(item.ItemSpec);
            if (IsProtected(path))
            {
                Log.LogWarning("{0}: refusing to modify {1}: it lies in a package cache.", GetType().Name, path);
                continue;
            }
            try
            {
                byte[] bytes = File.ReadAllBytes(path);
                string outcome;
                if (!TryWeaken(bytes, VersionName, out outcome))
                {
                    Log.LogMessage(MessageImportance.Normal, "{0}: {1}: {2}", GetType().Name, path, outcome);
                    continue;
                }
                string temp = path + ".weak-tmp";
                File.WriteAllBytes(temp, bytes);
                // Delete then move gives the output a new inode, so a hard link into a cache stays intact.
                File.Delete(path);
                File.Move(temp, path);
                Log.LogMessage(MessageImportance.High, "{0}: {1}: {2}", GetType().Name, path, outcome);
                patched.Add(item);
            }
            catch (Exception e)
            {
                Log.LogError("{0}: could not patch {1}: {2}", GetType().Name, path, e.Message);
                return false;
            }
        }
        PatchedFiles = patched.ToArray();
        return !Log.HasLoggedErrors;
    }

    private bool IsProtected(string path)
    {
        if (string.IsNullOrEmpty(ProtectedFolders))
            return false;
        foreach (string folder in ProtectedFolders.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries))
        {
            string full = Path.GetFullPath(folder.Trim());
            if (!full.EndsWith("/") && !full.EndsWith("\\"))
                full += Path.DirectorySeparatorChar;
            if (path.StartsWith(full, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    /// <summary>
    /// Sets VER_FLG_WEAK on the Vernaux entry named <paramref name="versionName"/>. Returns false, with the
    /// reason, when nothing was changed (not an ELF64 little-endian file, no such requirement, already weak).
    /// </summary>
    public static bool TryWeaken(byte[] elf, string versionName, out string outcome)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            outcome = "not an ELF file";
            return false;
        }
        if (elf[4] != 2 || elf[5] != 1)
        {
            outcome = "not a 64-bit little-endian ELF file";
            return false;
        }
        long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int s = 0; s < shnum; s++)
        {
            long header = shoff + (long)s * shentsize;
            if (BitConverter.ToUInt32(elf, (int)header + 4) != ShtGnuVerneed)
                continue;
            long offset = (long)BitConverter.ToUInt64(elf, (int)header + 24);
            uint link = BitConverter.ToUInt32(elf, (int)header + 40);
            uint entries = BitConverter.ToUInt32(elf, (int)header + 44);
            long strtab = (long)BitConverter.ToUInt64(elf, (int)(shoff + link * shentsize + 24));
            long need = offset;
            for (uint n = 0; n < entries; n++)
            {
                int count = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < count; a++)
                {
                    string name = ReadCString(elf, strtab + BitConverter.ToUInt32(elf, (int)aux + 8));
                    if (name == versionName)
                    {
                        int flagsAt = (int)aux + 4;
                        ushort flags = BitConverter.ToUInt16(elf, flagsAt);
                        if ((flags & VerFlgWeak) != 0)
                        {
                            outcome = versionName + " is already weak";
                            return false;
                        }
                        flags |= VerFlgWeak;
                        elf[flagsAt] = (byte)(flags & 0xff);
                        elf[flagsAt + 1] = (byte)(flags >> 8);
                        outcome = "marked " + versionName + " weak";
                        return true;
                    }
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                uint next = BitConverter.ToUInt32(elf, (int)need + 12);
                if (next == 0)
                    break;
                need += next;
            }
        }
        outcome = "does not require " + versionName;
        return false;
    }

    private static string ReadCString(byte[] bytes, long at)
    {
        int end = (int)at;
        while (end < bytes.Length && bytes[end] != 0)
            end++;
        return Encoding.ASCII.GetString(bytes, (int)at, end - (int)at);
    }

    private static bool FileDefinesVersion(string path, string versionName)
    {
        // The version definitions' names sit in .dynstr as NUL-terminated strings; a byte search is enough
        // to tell whether the library knows the name at all.
        byte[] needle = Encoding.ASCII.GetBytes("\0" + versionName + "\0");
        byte[] hay = File.ReadAllBytes(path);
        for (int i = 0; i + needle.Length <= hay.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && hay[i + j] == needle[j])
                j++;
            if (j == needle.Length)
                return true;
        }
        return false;
    }

    // The order the dynamic loader uses: LD_LIBRARY_PATH, then the ld.so cache, then the default folders.
    private static string FindHostLibrary(string library)
    {
        var folders = new List<string>();
        string ldPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
        if (!string.IsNullOrEmpty(ldPath))
            folders.AddRange(ldPath.Split(new[] { ':' }, StringSplitOptions.RemoveEmptyEntries));
        foreach (string folder in folders)
        {
            string candidate = Path.Combine(folder, library);
            if (File.Exists(candidate))
                return candidate;
        }
        string cached = FromLdConfigCache(library);
        if (cached != null)
            return cached;
        foreach (string folder in new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib" })
        {
            string candidate = Path.Combine(folder, library);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    private static string FromLdConfigCache(string library)
    {
        string architecture = IsArm() ? "AArch64" : "x86-64";
        foreach (string ldconfig in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig" })
        {
            if (!File.Exists(ldconfig))
                continue;
            try
            {
                var start = new ProcessStartInfo(ldconfig, "-p") { RedirectStandardOutput = true, UseShellExecute = false };
                using (Process process = Process.Start(start))
                {
                    string output = process.StandardOutput.ReadToEnd();
                    process.WaitForExit();
                    foreach (string line in output.Split('\n'))
                    {
                        string trimmed = line.Trim();
                        int arrow = trimmed.IndexOf("=> ", StringComparison.Ordinal);
                        if (arrow > 0 && trimmed.StartsWith(library + " ", StringComparison.Ordinal) && trimmed.Contains(architecture))
                            return trimmed.Substring(arrow + 3).Trim();
                    }
                }
            }
            catch (Exception)
            {
                // Fall through to the default folders.
            }
        }
        return null;
    }

    private static bool IsArm()
    {
        return System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64;
    }
}
