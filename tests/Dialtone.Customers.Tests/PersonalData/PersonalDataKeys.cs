using System.Security.Cryptography;
using System.Text;
using Dialtone.Platform;
using Dialtone.Platform.PersonalData;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Dialtone.Customers.Tests.PersonalData;

/// <summary>
/// Personal data is encrypted with AES-256-GCM (docs/decisions/0009, 2026-11-29). A data folder whose key ring was made for
/// AES-256-CBC + HMAC-SHA256 (before that day) gets a GCM key when the protector starts, and what the old key protected
/// still reads.
/// </summary>
public sealed class PersonalDataKeys : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("dialtone-keys-");

    [Fact]
    public void AKeyRingFromBeforeGcmGetsAGcmKeyAndStillReadsWhatItsOldKeyProtected()
    {
        var keys = folder.CreateSubdirectory("personal-data");
        // The protector as it was before: Data Protection's defaults, the same application name, purpose and prefix.
        var before = DataProtectionProvider.Create(keys, builder => builder.SetApplicationName("dialtone-personal-data")).CreateProtector("Dialtone.PersonalData.v1");
        var old = PersonalDataProtector.ProtectedPrefix + before.Protect("zoe@example.com");
        Assert.Equal(["AES_256_CBC"], Algorithms(keys));

        var protector = Open(keys);
        Assert.Equal("zoe@example.com", protector.Unprotect(old));
        Assert.Equal(["AES_256_CBC", "AES_256_GCM"], Algorithms(keys));
        var written = protector.Protect("conor.brady3@demo.dialtone.example");
        Assert.Equal("conor.brady3@demo.dialtone.example", protector.Unprotect(written));

        // Started again (another node, a restart): the GCM key is in use, no key is added, both values read.
        var again = Open(keys);
        Assert.Equal(["AES_256_CBC", "AES_256_GCM"], Algorithms(keys));
        Assert.Equal("zoe@example.com", again.Unprotect(old));
        Assert.Equal("conor.brady3@demo.dialtone.example", again.Unprotect(written));
    }

    [Fact]
    public void ANewKeyRingIsMadeForGcm()
    {
        var keys = folder.CreateSubdirectory("personal-data");
        var protector = Open(keys);
        Assert.Equal("+353 86 123 4567", protector.Unprotect(protector.Protect("+353 86 123 4567")));
        Assert.Equal(["AES_256_GCM"], Algorithms(keys));
    }

    /// <summary>
    /// Stored hashes are looked up and deterministic values compared, so a value must be written exactly as the first
    /// version wrote it (a keyed hash, base64url without padding); what <see cref="PersonalDataProtector.Protect"/> writes
    /// reads with Data Protection's own string protector. Short and long values, non-ASCII ones.
    /// </summary>
    [Fact]
    public void ValuesAreWrittenAsTheFirstVersionWroteThem()
    {
        var keys = folder.CreateSubdirectory("personal-data");
        var secret = Enumerable.Range(0, 64).Select(i => (byte)(i * 7 + 3)).ToArray();
        File.WriteAllText(Path.Combine(keys.FullName, "search-and-lookup.key"), Convert.ToBase64String(secret));
        var protector = Open(keys);
        var hashKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: "dialtone search hash v1"u8.ToArray());
        var macKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: "dialtone siv mac v1"u8.ToArray());
        var aesKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: "dialtone siv aes v1"u8.ToArray());
        var reader = DataProtectionProvider.Create(keys, builder => builder.SetApplicationName("dialtone-personal-data")).CreateProtector("Dialtone.PersonalData.v1");

        foreach (var value in new[] { "", "zoe@example.com", "+353861234567", "Séamus Ó Briain, Baile Átha Cliath", new string('x', 300), string.Concat(Enumerable.Repeat("ü€", 400)) })
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            Assert.Equal("h1:" + FirstVersionBase64Url(HMACSHA256.HashData(hashKey, bytes)), protector.Hash(value));

            var iv = HMACSHA256.HashData(macKey, bytes).AsSpan(0, 16).ToArray();
            using var aes = Aes.Create();
            aes.Key = aesKey;
            Assert.Equal("sv1:" + FirstVersionBase64Url([.. iv, .. aes.EncryptCbc(bytes, iv)]), protector.ProtectDeterministic(value));
            Assert.Equal(value, protector.UnprotectDeterministic(protector.ProtectDeterministic(value)));

            var written = protector.Protect(value);
            Assert.StartsWith(PersonalDataProtector.ProtectedPrefix, written, StringComparison.Ordinal);
            Assert.Equal(value, reader.Unprotect(written[PersonalDataProtector.ProtectedPrefix.Length..]));
            Assert.Equal(value, protector.Unprotect(written));
        }
    }

    public void Dispose() => folder.Delete(recursive: true);

    private static string FirstVersionBase64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static PersonalDataProtector Open(DirectoryInfo keys) =>
        new(Options.Create(new DialtoneOptions { DataDirectory = keys.Parent!.FullName, PersonalData = { KeyDirectory = keys.FullName } }));

    // The encryption algorithm of each key in the ring, oldest first (the key files Data Protection writes).
    private static List<string> Algorithms(DirectoryInfo keys) =>
        [.. keys.GetFiles("key-*.xml")
            .Select(file => System.Xml.Linq.XElement.Load(file.FullName))
            .OrderBy(key => DateTimeOffset.Parse(key.Element("creationDate")!.Value, System.Globalization.CultureInfo.InvariantCulture))
            .Select(key => key.Descendants("encryption").Single().Attribute("algorithm")!.Value)];
}
