using System.Buffers.Binary;
using System.Text;
using Dialtone.Legacy.Features.ImportJobs;
using Dialtone.Platform;
using Dialtone.Platform.PersonalData;
using Microsoft.Extensions.Options;

namespace Dialtone.Legacy.Tests.ImportJobs;

/// <summary>
/// The spooled export is personal data at rest: written encrypted in chunks, read back exactly, and refused (never
/// imported) when a chunk was altered, dropped, reordered or the file cut off, or when it is not a spool at all.
/// </summary>
public sealed class ImportSpoolAtRest : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "dialtone-spool-" + Guid.NewGuid().ToString("N"));
    private readonly PersonalDataProtector protector;

    public ImportSpoolAtRest()
    {
        Directory.CreateDirectory(directory);
        protector = new PersonalDataProtector(Options.Create(new DialtoneOptions { DataDirectory = directory }));
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(ImportSpool.ChunkBytes)]
    [InlineData(3 * ImportSpool.ChunkBytes + 17)]
    public async Task AnExportIsStoredEncryptedAndReadBackExactly(int size)
    {
        var export = Export(size);
        var path = Path.Combine(directory, "job.csv");
        Assert.Equal(size, await ImportSpool.WriteAsync(new MemoryStream(export), path, protector, long.MaxValue, CancellationToken.None));

        var stored = await File.ReadAllBytesAsync(path);
        Assert.Equal("DTSPOOL1"u8.ToArray(), stored[..8]);
        Assert.True(stored.AsSpan().IndexOf("ada.lovelace@example.org"u8) < 0, "an email is in the spool in clear");
        Assert.False(File.Exists(path + ".part"));

        using var read = new MemoryStream();
        await using (var spool = ImportSpool.OpenRead(path, protector))
        {
            await spool.CopyToAsync(read);
        }

        Assert.Equal(export, read.ToArray());
    }

    [Theory]
    [InlineData("altered")]
    [InlineData("cut")]
    [InlineData("reordered")]
    [InlineData("lastDropped")]
    [InlineData("fromAnotherSpool")]
    [InlineData("trailingBytes")]
    public async Task ADamagedSpoolIsRefusedWhenRead(string damage)
    {
        var path = Path.Combine(directory, "job.csv");
        await ImportSpool.WriteAsync(new MemoryStream(Export(3 * ImportSpool.ChunkBytes + 5)), path, protector, long.MaxValue, CancellationToken.None);
        var file = await File.ReadAllBytesAsync(path);
        var header = file[..24];
        var chunks = Chunks(file);
        Assert.Equal(4, chunks.Count);
        switch (damage)
        {
            case "altered":
                chunks[1][100] ^= 0x20;
                break;
            case "cut":
                chunks[3] = chunks[3][..(chunks[3].Length / 2)];
                break;
            case "reordered":
                (chunks[1], chunks[2]) = (chunks[2], chunks[1]);
                break;
            case "fromAnotherSpool":
                var other = Path.Combine(directory, "other.csv");
                await ImportSpool.WriteAsync(new MemoryStream(Export(3 * ImportSpool.ChunkBytes + 5)), other, protector, long.MaxValue, CancellationToken.None);
                chunks[1] = Chunks(await File.ReadAllBytesAsync(other))[1];
                break;
            case "trailingBytes":
                chunks.Add([1, 2, 3]);
                break;
            default:
                chunks.RemoveAt(3);
                break;
        }

        await File.WriteAllBytesAsync(path, [.. header, .. chunks.SelectMany(c => c)]);
        await using var spool = ImportSpool.OpenRead(path, protector);
        await Assert.ThrowsAsync<InvalidDataException>(() => spool.CopyToAsync(Stream.Null));
    }

    [Fact]
    public async Task AClearSpoolAnOlderBuildLeftIsEncryptedInPlaceWithTheSameContent()
    {
        var export = Export(ImportSpool.ChunkBytes + 100);
        var path = Path.Combine(directory, "old.csv");
        await File.WriteAllBytesAsync(path, export);
        Assert.False(ImportSpool.IsEncrypted(path));

        await ImportSpool.EncryptInPlaceAsync(path, protector, CancellationToken.None);

        Assert.True(ImportSpool.IsEncrypted(path));
        Assert.Equal(["old.csv"], Directory.GetFiles(directory, "old*").Select(Path.GetFileName));
        Assert.True((await File.ReadAllBytesAsync(path)).AsSpan().IndexOf("ada.lovelace@example.org"u8) < 0);
        using var read = new MemoryStream();
        await using (var spool = ImportSpool.OpenRead(path, protector))
        {
            await spool.CopyToAsync(read);
        }

        Assert.Equal(export, read.ToArray());
    }

    [Fact]
    public async Task AFileThatIsNoSpoolAndAnExportOverTheLimitAreRefused()
    {
        var clear = Path.Combine(directory, "clear.csv");
        await File.WriteAllTextAsync(clear, "customer_id,name\n1,Ada\n");
        Assert.Throws<InvalidDataException>(() => ImportSpool.OpenRead(clear, protector));

        var path = Path.Combine(directory, "big.csv");
        await Assert.ThrowsAsync<ImportSpool.ExportTooLargeException>(() =>
            ImportSpool.WriteAsync(new MemoryStream(Export(ImportSpool.ChunkBytes + 1)), path, protector, ImportSpool.ChunkBytes, CancellationToken.None));
        Assert.False(File.Exists(path));
        Assert.False(File.Exists(path + ".part"));
    }

    private static byte[] Export(int size)
    {
        var text = new StringBuilder();
        for (var i = 0; text.Length < size; i++)
        {
            text.Append(i).Append(",Ada Lovelace,ada.lovelace@example.org,+447700900").Append(i % 1000).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString())[..size];
    }

    /// <summary>The file's chunks, each with its length prefix.</summary>
    private static List<byte[]> Chunks(byte[] file)
    {
        var chunks = new List<byte[]>();
        for (var at = 24; at < file.Length;)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at));
            chunks.Add(file[at..(at + 4 + length)]);
            at += 4 + length;
        }

        return chunks;
    }
}
