using System.Buffers;
using System.Security.Cryptography;
using System.Text.Unicode;

namespace Dialtone.Charging.Grains;

/// <summary>
/// What a session keeps of the last request it answered (and of its create), so that a retransmission, which repeats the
/// request unchanged, is told from another request under the same sequence number: 12 bytes of a SHA-256, in hex, of the
/// request's operation, one-time kind, and per rating group the unit, the quota asked for and the used unit containers.
/// </summary>
/// <remarks>
/// The text hashed is the one the first version built with a <see cref="System.Text.StringBuilder"/> and the records'
/// <c>ToString</c> (<c>Measure { Octets = 1, Seconds = 0, Events = 0 }</c>): sessions store the fingerprint, so a
/// retransmission after an upgrade must hash to the same value. It is written as UTF-8 into a pooled buffer instead:
/// the builder, its strings and the records' printing were ~2 % of a charging request's allocations.
/// </remarks>
internal static class ChargingCallFingerprint
{
    public static string Of(ChargingCall call)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(512);
        try
        {
            int written;
            while (!TryWrite(call, buffer, out written))
            {
                var larger = buffer.Length * 2;
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = ArrayPool<byte>.Shared.Rent(larger);
            }

            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, written), hash);
            return Convert.ToHexString(hash[..12]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool TryWrite(ChargingCall call, Span<byte> into, out int written)
    {
        written = 0;
        if (!Utf8.TryWrite(into, $"{call.Operation}|{call.OneTime}", out var n))
        {
            return false;
        }

        written += n;
        foreach (var usage in call.Units)
        {
            var ok = usage.Unit is { } unit
                ? Utf8.TryWrite(into[written..], $"|{usage.RatingGroup}:{unit}:", out n)
                : Utf8.TryWrite(into[written..], $"|{usage.RatingGroup}::", out n);
            if (!ok)
            {
                return false;
            }

            written += n;
            if (usage.Requested is { } requested && !TryWriteMeasure(into, ref written, requested))
            {
                return false;
            }

            foreach (var container in usage.Used)
            {
                if (!Utf8.TryWrite(into[written..], $";{container.LocalSequence}=", out n))
                {
                    return false;
                }

                written += n;
                if (!TryWriteMeasure(into, ref written, container.Units))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool TryWriteMeasure(Span<byte> into, ref int written, Measure measure)
    {
        if (!Utf8.TryWrite(into[written..], $"Measure {{ Octets = {measure.Octets}, Seconds = {measure.Seconds}, Events = {measure.Events} }}", out var n))
        {
            return false;
        }

        written += n;
        return true;
    }
}
