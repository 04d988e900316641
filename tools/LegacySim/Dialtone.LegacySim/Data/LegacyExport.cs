using System.Text;
using Microsoft.Data.Sqlite;

namespace Dialtone.LegacySim.Data;

/// <summary>
/// The full export, as the nightly job of a system of record writes it: one CSV row per subscription (RFC 4180, UTF-8,
/// CRLF, a header row), the customer and account repeated on each; a customer or account without subscriptions still
/// has one row with the subscription columns empty. A field is quoted when it holds a comma, a quote, a line break or
/// leading or trailing spaces (so a value is read back exactly); an empty unquoted field is NULL, <c>""</c> is the
/// empty string. The export is one consistent snapshot, taken at the change-feed watermark it reports, so a reader can
/// follow the feed from there.
/// </summary>
internal static class LegacyExport
{
    public static readonly string[] Columns =
    [
        "CUSTOMER_ID", "CUSTOMER_VERSION", "CUSTOMER_STATUS", "FIRST_NAME", "LAST_NAME", "BIRTH_DATE", "EMAIL", "PHONE", "ADDRESS", "CREATED_ON",
        "ACCOUNT_ID", "ACCOUNT_STATUS", "BILL_CYCLE_DAY", "PAYMENT_METHOD", "OPENED_ON", "SUBSCRIPTION_ID", "MSISDN", "PLAN_CODE",
        "SUBSCRIPTION_STATUS", "ACTIVATED_ON",
    ];

    private const string Query = """
        SELECT c.id, c.version, c.status, c.first_name, c.last_name, c.birth_date, c.email, c.phone, c.address, c.created_on,
               a.id, a.status, a.bill_cycle_day, a.payment_method, a.opened_on, s.id, s.msisdn, s.plan_code, s.status, s.activated_on
        FROM customer c
        LEFT JOIN account a ON a.customer_id = c.id
        LEFT JOIN subscription s ON s.account_id = a.id
        ORDER BY c.id, a.id, s.id
        """;

    /// <summary>Opens the snapshot: the watermark it stands at, and the rows to write with <see cref="WriteAsync"/>.</summary>
    public static (SqliteConnection Connection, SqliteTransaction Snapshot, long Watermark) Begin(LegacyDatabase database)
    {
        var connection = database.Open();
        var snapshot = connection.BeginTransaction(deferred: true);
        var watermark = LegacyRecords.HighWatermark(connection, snapshot);
        return (connection, snapshot, watermark);
    }

    /// <summary>Writes the rows and answers how many rows and customers were written.</summary>
    public static async Task<(long Rows, long Customers)> WriteAsync(SqliteConnection connection, SqliteTransaction snapshot, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(string.Join(',', Columns));
        using var command = LegacyDatabase.Command(connection, snapshot, Query);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        long rows = 0, customers = 0;
        string? lastCustomer = null;
        var line = new StringBuilder(512);
        while (await reader.ReadAsync(cancellationToken))
        {
            line.Clear();
            for (var i = 0; i < Columns.Length; i++)
            {
                if (i > 0)
                {
                    line.Append(',');
                }

                if (!reader.IsDBNull(i))
                {
                    Append(line, Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!);
                }
            }

            await writer.WriteLineAsync(line, cancellationToken);
            rows++;
            var customer = reader.GetString(0);
            if (customer != lastCustomer)
            {
                customers++;
                lastCustomer = customer;
            }
        }

        return (rows, customers);
    }

    private static void Append(StringBuilder line, string value)
    {
        var quote = value.Length == 0 || value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]);
        if (!quote)
        {
            line.Append(value);
            return;
        }

        line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
