using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dialtone.Platform.PersonalData;

/// <summary>
/// Protects personal data wherever it is stored, with keys that live outside the database (docs/decisions/0009):
/// <list type="bullet">
/// <item><see cref="Protect"/>: authenticated, randomised encryption (ASP.NET Core Data Protection: AES-256-GCM since
/// 2026-11-29, AES-256-CBC + HMAC-SHA256 before; a key ring that rotates every 90 days and keeps old keys for reading) for documents, messages,
/// idempotency records and mails;</item>
/// <item><see cref="Hash"/>: a keyed HMAC-SHA256 of a normalised value, for exact-match search;</item>
/// <item><see cref="ProtectDeterministic"/>: authenticated deterministic encryption (a synthetic IV: the HMAC of the
/// plaintext, then AES-256-CBC) for values that must be looked up by their encrypted form (the identity store's emails).</item>
/// </list>
/// The key ring and the secret for hashing live in <c>Dialtone:PersonalData:KeyDirectory</c> (default
/// <c>{DataDirectory}/keys/personal-data</c>); every node must share that directory.
/// </summary>
public sealed class PersonalDataProtector
{
    public const string ProtectedPrefix = "pd1:";
    public const string HashPrefix = "h1:";
    public const string DeterministicPrefix = "sv1:";

    private const int SecretLength = 64;

    // AES-256-GCM: Data Protection's authenticated encryption in one pass, where AES-256-CBC + HMAC-SHA256 (its default)
    // took twice the time to protect (25 against 12 µs for a 550-character usage record) and three times to unprotect
    // (16 against 5 µs) on this machine (docs/decisions/0009, 2026-11-29).
    private static readonly AuthenticatedEncryptorConfiguration Algorithms = new()
    {
        EncryptionAlgorithm = EncryptionAlgorithm.AES_256_GCM,
        ValidationAlgorithm = ValidationAlgorithm.HMACSHA256,
    };

    private readonly IDataProtector protector;
    private readonly byte[] hashKey;
    private readonly byte[] sivMacKey;
    private readonly byte[] sivEncryptionKey;

    // An AES instance is a native cipher context: made once per thread with the key set, instead of per value (imports
    // protect several values a customer; an instance is not safe to share between threads). Keyed by the key, so that
    // another protector in the process (tests make their own) never uses this one's.
    [ThreadStatic]
    private static (byte[] Key, Aes Aes)? threadSivAes;

    public PersonalDataProtector(IOptions<DialtoneOptions> options)
    {
        var settings = options.Value;
        var directory = settings.PersonalData.KeyDirectory is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(Path.GetFullPath(settings.DataDirectory), "keys", "personal-data");
        Directory.CreateDirectory(directory);
        var services = new ServiceCollection();
        services.AddDataProtection()
            .SetApplicationName("dialtone-personal-data")
            .PersistKeysToFileSystem(new DirectoryInfo(directory))
            .UseCryptographicAlgorithms(Algorithms);
        // Lives as long as the protector (a singleton), as DataProtectionProvider.Create's own provider did.
        var keyRing = services.BuildServiceProvider();
        UseCurrentAlgorithm(keyRing.GetRequiredService<IKeyManager>());
        protector = keyRing.GetDataProtector("Dialtone.PersonalData.v1");

        var secret = LoadOrCreateSecret(Path.Combine(directory, "search-and-lookup.key"));
        hashKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: "dialtone search hash v1"u8.ToArray());
        sivMacKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: "dialtone siv mac v1"u8.ToArray());
        sivEncryptionKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: "dialtone siv aes v1"u8.ToArray());
    }

    /// <summary>Randomised authenticated encryption: <see cref="ProtectedPrefix"/>, then Data Protection's payload in base64url (what its string <c>Protect</c> gives), in one string.</summary>
    public string Protect(string plaintext) => Prefixed(ProtectedPrefix, protector.Protect(Encoding.UTF8.GetBytes(plaintext)));

    /// <summary>Decrypts what <see cref="Protect"/> wrote; text stored before protection was switched on passes unchanged.</summary>
    public string Unprotect(string stored) =>
        stored.StartsWith(ProtectedPrefix, StringComparison.Ordinal) ? protector.Unprotect(stored[ProtectedPrefix.Length..]) : stored;

    /// <summary>
    /// Encrypts bytes with the same key ring as <see cref="Protect"/>, under a purpose of their own (files that hold personal
    /// data: an import's spooled export), so that what is sealed for one purpose cannot be passed off as another's.
    /// </summary>
    public byte[] ProtectBytes(string purpose, byte[] plaintext) => protector.CreateProtector(purpose).Protect(plaintext);

    /// <summary>Decrypts what <see cref="ProtectBytes"/> sealed for <paramref name="purpose"/>; throws <see cref="CryptographicException"/> when it was altered.</summary>
    public byte[] UnprotectBytes(string purpose, byte[] protectedBytes) => protector.CreateProtector(purpose).Unprotect(protectedBytes);

    /// <summary>The keyed hash of an already normalised value: equal inputs give equal hashes, nothing else can be learnt.</summary>
    public string Hash(string normalized)
    {
        var length = Encoding.UTF8.GetByteCount(normalized);
        var rented = length <= 256 ? null : ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Span<byte> input = rented ?? stackalloc byte[256];
            input = input[..Encoding.UTF8.GetBytes(normalized, input)];
            Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(hashKey, input, hash);
            return Prefixed(HashPrefix, hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public string ProtectDeterministic(string plaintext)
    {
        var data = Encoding.UTF8.GetBytes(plaintext);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(sivMacKey, data, mac);
        var iv = mac[..16];
        var aes = SivAes();
        var sealedValue = new byte[16 + aes.GetCiphertextLengthCbc(data.Length)];
        iv.CopyTo(sealedValue);
        aes.EncryptCbc(data, iv, sealedValue.AsSpan(16));
        return Prefixed(DeterministicPrefix, sealedValue);
    }

    public string UnprotectDeterministic(string stored)
    {
        if (!stored.StartsWith(DeterministicPrefix, StringComparison.Ordinal))
        {
            return stored;
        }

        var bytes = FromBase64Url(stored[DeterministicPrefix.Length..]);
        var iv = bytes.AsSpan(0, 16);
        var aes = SivAes();
        byte[]? data;
        try
        {
            data = aes.DecryptCbc(bytes.AsSpan(16), iv);
        }
        catch (CryptographicException)
        {
            data = null; // bad padding answers exactly like a bad tag: no padding oracle
        }

        if (data is null || !CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(sivMacKey, data).AsSpan(0, 16), iv))
        {
            throw new CryptographicException("A deterministically protected value failed its integrity check.");
        }

        return Encoding.UTF8.GetString(data);
    }

    /// <summary>
    /// A key ring whose key in use was made for another algorithm (a data folder from before GCM) gets a new key at once,
    /// instead of at the old one's expiry (up to 90 days): the old keys stay in the ring, so everything protected with them
    /// still reads. Several nodes starting together may each add one; any of them reads what the others protect.
    /// </summary>
    private static void UseCurrentAlgorithm(IKeyManager keys)
    {
        if (CurrentKey(keys) is { } current && AlgorithmOf(current) != Algorithms.EncryptionAlgorithm.ToString())
        {
            var now = DateTimeOffset.UtcNow;
            keys.CreateNewKey(activationDate: now, expirationDate: now.AddDays(90));
        }
    }

    private static IKey? CurrentKey(IKeyManager keys)
    {
        var now = DateTimeOffset.UtcNow;
        return keys.GetAllKeys().Where(key => !key.IsRevoked && key.ActivationDate <= now && key.ExpirationDate > now).MaxBy(key => key.ActivationDate);
    }

    private static string? AlgorithmOf(IKey key) =>
        key.Descriptor.ExportToXml().SerializedDescriptorElement.Element("encryption")?.Attribute("algorithm")?.Value;

    private static byte[] LoadOrCreateSecret(string path)
    {
        if (!File.Exists(path))
        {
            try
            {
                // CreateNew: when two nodes start together on one shared directory, one secret wins and both read it.
                var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // the secret is readable by the service account only
                }

                using var file = new FileStream(path, create);
                var fresh = Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretLength)));
                file.Write(fresh);
            }
            catch (IOException) when (File.Exists(path))
            {
            }
        }

        for (var attempt = 0; ; attempt++)
        {
            var text = File.ReadAllText(path).Trim();
            if (text.Length > 0 || attempt >= 50)
            {
                var secret = Convert.FromBase64String(text);
                return secret.Length == SecretLength ? secret : throw new InvalidOperationException($"{path} does not hold a {SecretLength}-byte secret.");
            }

            Thread.Sleep(20); // the node that created the file is still writing it
        }
    }

    private Aes SivAes()
    {
        if (threadSivAes is { } cached && ReferenceEquals(cached.Key, sivEncryptionKey))
        {
            return cached.Aes;
        }

        threadSivAes?.Aes.Dispose();
        var aes = Aes.Create();
        aes.Key = sivEncryptionKey;
        threadSivAes = (sivEncryptionKey, aes);
        return aes;
    }

    /// <summary><paramref name="prefix"/>, then <paramref name="bytes"/> in base64url without padding: one string, no intermediate ones.</summary>
    private static string Prefixed(string prefix, ReadOnlySpan<byte> bytes)
    {
        var length = prefix.Length + Base64Url.GetEncodedLength(bytes.Length);
        var rented = length <= 512 ? null : ArrayPool<char>.Shared.Rent(length);
        try
        {
            var chars = (rented is null ? stackalloc char[512] : rented.AsSpan())[..length];
            prefix.CopyTo(chars);
            Base64Url.EncodeToChars(bytes, chars[prefix.Length..]);
            return new string(chars);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }
}
