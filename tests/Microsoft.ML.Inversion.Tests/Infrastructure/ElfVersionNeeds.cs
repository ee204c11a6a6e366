using System.Buffers.Binary;
using System.Text;

namespace Microsoft.ML.Inversion.Tests;

/// <summary>
/// An independent reader of an ELF64 file's version requirements (.gnu.version_r), used to check what the
/// native-fix build task wrote: each required version name with its Vernaux flags and the flags' file offset.
/// </summary>
internal static class ElfVersionNeeds
{
    public sealed record Requirement(string Library, string Version, ushort Flags, long FlagsOffset)
    {
        public bool IsWeak => (Flags & 0x2) != 0;
    }

    public static IReadOnlyList<Requirement> Read(byte[] elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("Not a 64-bit little-endian ELF file.");
        ulong U64(long at) => BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan((int)at));
        uint U32(long at) => BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan((int)at));
        ushort U16(long at) => BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan((int)at));
        string Name(long at)
        {
            int end = Array.IndexOf(elf, (byte)0, (int)at);
            return Encoding.ASCII.GetString(elf, (int)at, end - (int)at);
        }

        long sectionTable = (long)U64(0x28);
        int entrySize = U16(0x3A), sections = U16(0x3C);
        var result = new List<Requirement>();
        for (int s = 0; s < sections; s++)
        {
            long header = sectionTable + s * entrySize;
            if (U32(header + 4) != 0x6ffffffe)
                continue;
            long strings = (long)U64(sectionTable + U32(header + 40) * entrySize + 24);
            long need = (long)U64(header + 24);
            for (uint n = 0; n < U32(header + 44); n++)
            {
                string library = Name(strings + U32(need + 4));
                long aux = need + U32(need + 8);
                for (int a = 0; a < U16(need + 2); a++, aux += U32(aux + 12))
                    result.Add(new Requirement(library, Name(strings + U32(aux + 8)), U16(aux + 4), aux + 4));
                need += U32(need + 12);
            }
        }
        return result;
    }
}
