using System.Buffers.Binary;
using System.Security.Cryptography;
using Dialtone.Platform.PersonalData;

namespace Dialtone.Legacy.Features.ImportJobs;

/// <summary>
/// The spooled legacy export (every customer's name, email, phone, address, MSISDN) is personal data at rest, so it is
/// written encrypted like every other store of it (ADR 0009, ADR 0015): chunks of <see cref="ChunkBytes"/> bytes, each
/// sealed by <see cref="PersonalDataProtector.ProtectBytes"/> under the spool's own purpose with the file's random id,
/// its index and whether it is the last inside the sealed bytes, so a chunk altered, dropped, reordered, taken from
/// another spool or cut off at the end is refused when read, never imported; so are bytes after the last chunk.
/// </summary>
/// <remarks>File: <c>DTSPOOL1</c>, the 16-byte file id, then per chunk a 4-byte little-endian length and the sealed
/// bytes of [16-byte file id, 4-byte index, 1-byte last flag, data].</remarks>
internal static class ImportSpool
{
    public const int ChunkBytes = 256 * 1024;

    private const string Purpose = "Dialtone.Legacy.ImportSpool.v1";
    private const int FileIdBytes = 16;
    private const int ChunkHeader = FileIdBytes + 5;

    private static readonly byte[] Magic = "DTSPOOL1"u8.ToArray();

    /// <summary>Whether <paramref name="path"/> is an encrypted spool (an older build spooled the export in clear).</summary>
    public static bool IsEncrypted(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[8];
        return file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) == magic.Length && magic.SequenceEqual(Magic);
    }

    /// <summary>Encrypts a spool an older build left in clear, in place (the clear copy is deleted once the encrypted one is there).</summary>
    public static async Task EncryptInPlaceAsync(string path, PersonalDataProtector protector, CancellationToken cancellationToken)
    {
        var clear = path + ".clear";
        File.Move(path, clear, overwrite: true);
        await using (var source = File.OpenRead(clear))
        {
            await WriteAsync(source, path, protector, long.MaxValue, cancellationToken);
        }

        File.Delete(clear);
    }

    /// <summary>Writes <paramref name="source"/> encrypted to <paramref name="path"/> (through a partial file moved into place), refusing more than <paramref name="maxBytes"/>.</summary>
    /// <returns>The plaintext bytes written.</returns>
    public static async Task<long> WriteAsync(Stream source, string path, PersonalDataProtector protector, long maxBytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var partial = path + ".part";
        long total = 0;
        try
        {
            await using (var file = File.Create(partial))
            {
                await file.WriteAsync(Magic, cancellationToken);
                var fileId = RandomNumberGenerator.GetBytes(FileIdBytes);
                await file.WriteAsync(fileId, cancellationToken);
                var current = new byte[ChunkBytes];
                var next = new byte[ChunkBytes];
                var currentLength = await FillAsync(source, current, cancellationToken);
                var index = 0;
                while (true)
                {
                    total += currentLength;
                    if (total > maxBytes)
                    {
                        throw new ExportTooLargeException(maxBytes);
                    }

                    // A chunk is the last when nothing follows it: read ahead one chunk to know.
                    var nextLength = currentLength == ChunkBytes ? await FillAsync(source, next, cancellationToken) : 0;
                    var last = nextLength == 0;
                    await WriteChunkAsync(file, protector, fileId, index++, last, current.AsMemory(0, currentLength), cancellationToken);
                    if (last)
                    {
                        break;
                    }

                    (current, next) = (next, current);
                    currentLength = nextLength;
                }
            }

            File.Move(partial, path, overwrite: true);
            return total;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    /// <summary>The export as it was written, decrypted chunk by chunk as it is read.</summary>
    /// <exception cref="InvalidDataException">The file is no spool, or was altered or cut off (when read).</exception>
    public static Stream OpenRead(string path, PersonalDataProtector protector)
    {
        var file = File.OpenRead(path);
        try
        {
            Span<byte> magic = stackalloc byte[8];
            if (file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) != magic.Length || !magic.SequenceEqual(Magic))
            {
                throw new InvalidDataException("The spooled export is not an encrypted spool file.");
            }

            var fileId = new byte[FileIdBytes];
            if (file.ReadAtLeast(fileId, FileIdBytes, throwOnEndOfStream: false) != FileIdBytes)
            {
                throw new InvalidDataException("The spooled export is cut off: its header is incomplete.");
            }

            return new Reader(file, protector, fileId);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static async Task<int> FillAsync(Stream source, byte[] buffer, CancellationToken cancellationToken) =>
        await source.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);

    private static async Task WriteChunkAsync(Stream file, PersonalDataProtector protector, byte[] fileId, int index, bool last, ReadOnlyMemory<byte> data,
        CancellationToken cancellationToken)
    {
        var plain = new byte[ChunkHeader + data.Length];
        fileId.CopyTo(plain, 0);
        BinaryPrimitives.WriteInt32LittleEndian(plain.AsSpan(FileIdBytes), index);
        plain[FileIdBytes + 4] = last ? (byte)1 : (byte)0;
        data.Span.CopyTo(plain.AsSpan(ChunkHeader));
        var sealedChunk = protector.ProtectBytes(Purpose, plain);
        var length = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, sealedChunk.Length);
        await file.WriteAsync(length, cancellationToken);
        await file.WriteAsync(sealedChunk, cancellationToken);
    }

    /// <summary>More than the configured upload limit.</summary>
    public sealed class ExportTooLargeException(long maxBytes) : Exception($"The export is larger than {maxBytes:N0} bytes.")
    {
        public long MaxBytes { get; } = maxBytes;
    }

    /// <summary>Reads the chunks in order, each checked: index, authenticity, and that the last one came.</summary>
    private sealed class Reader(FileStream file, PersonalDataProtector protector, byte[] fileId) : Stream
    {
        // A protected chunk is its data plus Data Protection's header, IV and MAC: well under twice the chunk.
        private const int MaxSealedChunk = 2 * ChunkBytes;

        private byte[] chunk = [];
        private int offset;
        private int index;
        private bool ended;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (offset == chunk.Length)
            {
                if (ended)
                {
                    if (file.ReadByte() >= 0)
                    {
                        throw new InvalidDataException("The spooled export has bytes after its last chunk.");
                    }

                    return 0;
                }

                NextChunk();
            }

            var n = Math.Min(buffer.Length, chunk.Length - offset);
            chunk.AsSpan(offset, n).CopyTo(buffer);
            offset += n;
            return n;
        }

        private void NextChunk()
        {
            Span<byte> lengthBytes = stackalloc byte[4];
            if (file.ReadAtLeast(lengthBytes, 4, throwOnEndOfStream: false) != 4)
            {
                throw new InvalidDataException("The spooled export is cut off: its last chunk is missing.");
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(lengthBytes);
            if (length is <= 0 or > MaxSealedChunk)
            {
                throw new InvalidDataException("The spooled export is damaged (a chunk length out of range).");
            }

            var sealedChunk = new byte[length];
            if (file.ReadAtLeast(sealedChunk, length, throwOnEndOfStream: false) != length)
            {
                throw new InvalidDataException("The spooled export is cut off inside a chunk.");
            }

            byte[] plain;
            try
            {
                plain = protector.UnprotectBytes(Purpose, sealedChunk);
            }
            catch (CryptographicException exception)
            {
                throw new InvalidDataException("The spooled export was altered, or its key is gone.", exception);
            }

            if (plain.Length < ChunkHeader || !plain.AsSpan(0, FileIdBytes).SequenceEqual(fileId))
            {
                throw new InvalidDataException("The spooled export holds a chunk of another spool.");
            }

            if (BinaryPrimitives.ReadInt32LittleEndian(plain.AsSpan(FileIdBytes)) != index)
            {
                throw new InvalidDataException("The spooled export's chunks are out of order.");
            }

            index++;
            ended = plain[FileIdBytes + 4] == 1;
            chunk = plain[ChunkHeader..];
            offset = 0;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                file.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
