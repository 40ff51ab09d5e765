using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Sets VER_FLG_WEAK on the Elf64 Vernaux entry that requires <see cref="VersionName"/>, when the
/// system libstdc++ does not provide that version. Idempotent; leaves already-patched files alone.
/// </summary>
public sealed class MarkGlibcxxVersionWeak : Task
{
    private const ushort VerFlagWeak = 0x2;
    private const uint SectionTypeGnuVerNeed = 0x6ffffffe;

    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        if (SystemLibStdCxxProvides(VersionName))
        {
            Log.LogMessage(MessageImportance.Low, $"libstdc++ provides {VersionName}; no patch needed.");
            return true;
        }
        foreach (ITaskItem item in Libraries)
        {
            string path = item.ItemSpec;
            try
            {
                string outcome = Patch(path, VersionName);
                Log.LogMessage(MessageImportance.Normal, $"{path}: {outcome}");
            }
            catch (Exception e)
            {
                Log.LogWarning($"Could not mark {VersionName} weak in {path}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    private static bool SystemLibStdCxxProvides(string versionName)
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        };
        byte[] needle = Encoding.ASCII.GetBytes(versionName + "\0");
        foreach (string candidate in candidates)
        {
            if (!File.Exists(candidate)) continue;
            byte[] bytes = File.ReadAllBytes(candidate);
            return IndexOf(bytes, needle) >= 0;
        }
        return false; // Unknown layout: patching is harmless (a weak need that is present still binds).
    }

    private static string Patch(string path, string versionName)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
            return "not a little-endian ELF64 file; skipped";

        ulong sectionHeaderOffset = BitConverter.ToUInt64(elf, 0x28);
        int sectionHeaderSize = BitConverter.ToUInt16(elf, 0x3A);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3C);
        for (int s = 0; s < sectionCount; s++)
        {
            int header = checked((int)sectionHeaderOffset + s * sectionHeaderSize);
            if (BitConverter.ToUInt32(elf, header + 4) != SectionTypeGnuVerNeed) continue;

            int verNeedOffset = (int)BitConverter.ToUInt64(elf, header + 0x18);
            int linkedStringSection = (int)BitConverter.ToUInt32(elf, header + 0x28);
            int entryCount = (int)BitConverter.ToUInt32(elf, header + 0x2C); // sh_info = number of Verneed entries
            int stringHeader = checked((int)sectionHeaderOffset + linkedStringSection * sectionHeaderSize);
            int stringTable = (int)BitConverter.ToUInt64(elf, stringHeader + 0x18);

            int verNeed = verNeedOffset;
            for (int n = 0; n < entryCount; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, verNeed + 2);
                int aux = verNeed + (int)BitConverter.ToUInt32(elf, verNeed + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    int nameOffset = (int)BitConverter.ToUInt32(elf, aux + 8);
                    if (ReadCString(elf, stringTable + nameOffset) == versionName)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, aux + 4);
                        if ((flags & VerFlagWeak) != 0) return $"{versionName} already weak";
                        BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(elf, aux + 4);
                        string temp = path + ".patching";
                        File.WriteAllBytes(temp, elf);
                        File.Replace(temp, path, destinationBackupFileName: null);
                        return $"marked {versionName} weak";
                    }
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                verNeed += (int)BitConverter.ToUInt32(elf, verNeed + 12);
            }
        }
        return $"no {versionName} requirement found";
    }

    private static string ReadCString(byte[] bytes, int offset)
    {
        int end = offset;
        while (bytes[end] != 0) end++;
        return Encoding.ASCII.GetString(bytes, offset, end - offset);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i <= haystack.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }
}
