using System.Text;

namespace Microsoft.ML.Inversion.Engine;

/// <summary>
/// Finds, in a 64-bit little-endian ELF shared library on disk, the global offset table slot through which the
/// library calls one of its exported functions (an <c>R_X86_64_JUMP_SLOT</c> relocation in <c>.rela.plt</c>).
/// </summary>
internal static class ElfJumpSlot
{
    private const int SectionHeaderSize = 64;
    private const int ProgramHeaderSize = 56;
    private const int SymbolSize = 24;
    private const int RelocationSize = 24;
    private const uint SectionRela = 4;
    private const uint ProgramLoad = 1;
    private const uint JumpSlot = 7; // R_X86_64_JUMP_SLOT

    /// <summary>
    /// The slot's address relative to the lowest loaded segment's page (what <c>/proc/self/maps</c> shows as the
    /// start of the library's first mapping), or null when the file is not such a library or has no such slot.
    /// </summary>
    public static long? FindOffset(string libraryPath, string symbol)
    {
        using var file = File.OpenRead(libraryPath);
        using var reader = new BinaryReader(file);
        byte[] ident = reader.ReadBytes(16);
        if (ident.Length < 16 || ident[0] != 0x7F || ident[1] != (byte)'E' || ident[2] != (byte)'L' || ident[3] != (byte)'F'
            || ident[4] != 2 || ident[5] != 1)
            return null; // not ELF64 little-endian

        file.Position = 0x20;
        long programHeaders = reader.ReadInt64();
        long sectionHeaders = reader.ReadInt64();
        file.Position = 0x38;
        int programCount = reader.ReadUInt16();
        file.Position = 0x3C;
        int sectionCount = reader.ReadUInt16();
        int sectionNames = reader.ReadUInt16();

        long lowestLoad = long.MaxValue;
        for (int i = 0; i < programCount; i++)
        {
            file.Position = programHeaders + (long)i * ProgramHeaderSize;
            if (reader.ReadUInt32() != ProgramLoad)
                continue;
            file.Position += 12; // p_flags, p_offset
            lowestLoad = Math.Min(lowestLoad, reader.ReadInt64() & ~0xFFFL);
        }
        if (lowestLoad == long.MaxValue)
            return null;

        var sections = new (uint Name, uint Type, long Offset, long Size, uint Link)[sectionCount];
        for (int i = 0; i < sectionCount; i++)
        {
            file.Position = sectionHeaders + (long)i * SectionHeaderSize;
            uint name = reader.ReadUInt32(), type = reader.ReadUInt32();
            file.Position += 16; // sh_flags, sh_addr
            long offset = reader.ReadInt64(), size = reader.ReadInt64();
            sections[i] = (name, type, offset, size, reader.ReadUInt32());
        }
        if (sectionNames >= sectionCount)
            return null;
        byte[] names = Read(file, sections[sectionNames].Offset, sections[sectionNames].Size);

        int rela = Array.FindIndex(sections, s => s.Type == SectionRela && NameAt(names, s.Name) == ".rela.plt");
        if (rela < 0 || sections[rela].Link >= sectionCount)
            return null;
        var symbols = sections[sections[rela].Link];
        if (symbols.Link >= sectionCount)
            return null;
        byte[] symbolTable = Read(file, symbols.Offset, symbols.Size);
        byte[] strings = Read(file, sections[symbols.Link].Offset, sections[symbols.Link].Size);
        byte[] relocations = Read(file, sections[rela].Offset, sections[rela].Size);

        for (int r = 0; r + RelocationSize <= relocations.Length; r += RelocationSize)
        {
            long slot = BitConverter.ToInt64(relocations, r);
            ulong info = BitConverter.ToUInt64(relocations, r + 8);
            long symbolIndex = (long)(info >> 32);
            if ((info & 0xFFFFFFFF) != JumpSlot || (symbolIndex + 1) * SymbolSize > symbolTable.Length)
                continue;
            uint nameOffset = BitConverter.ToUInt32(symbolTable, (int)(symbolIndex * SymbolSize));
            if (NameAt(strings, nameOffset) == symbol)
                return slot - lowestLoad;
        }
        return null;
    }

    private static byte[] Read(FileStream file, long offset, long size)
    {
        var buffer = new byte[size];
        file.Position = offset;
        file.ReadExactly(buffer);
        return buffer;
    }

    private static string NameAt(byte[] table, uint offset)
    {
        if (offset >= table.Length)
            return "";
        int end = Array.IndexOf(table, (byte)0, (int)offset);
        return Encoding.ASCII.GetString(table, (int)offset, (end < 0 ? table.Length : end) - (int)offset);
    }
}
