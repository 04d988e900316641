using System.Text;

namespace Dialtone.Legacy.Import;

/// <summary>One data row of the legacy export: its 1-based row number (the header is row 0) and its fields, null where the export had NULL.</summary>
internal sealed record LegacyExportRow(long RowNumber, IReadOnlyList<string?> Fields)
{
    public string? this[int column] => column < Fields.Count ? Fields[column] : null;
}

/// <summary>
/// Reads LegacySim's full export (RFC 4180, UTF-8, CRLF, a header row): quoted fields may hold commas, doubled quotes and
/// line breaks; an empty unquoted field is NULL and <c>""</c> the empty string (tools/LegacySim/README.md).
/// </summary>
internal sealed class LegacyExportReader(TextReader reader)
{
    public static readonly string[] ExpectedHeader =
    [
        "CUSTOMER_ID", "CUSTOMER_VERSION", "CUSTOMER_STATUS", "FIRST_NAME", "LAST_NAME", "BIRTH_DATE", "EMAIL", "PHONE", "ADDRESS", "CREATED_ON",
        "ACCOUNT_ID", "ACCOUNT_STATUS", "BILL_CYCLE_DAY", "PAYMENT_METHOD", "OPENED_ON", "SUBSCRIPTION_ID", "MSISDN", "PLAN_CODE", "SUBSCRIPTION_STATUS", "ACTIVATED_ON",
    ];

    private readonly StringBuilder field = new();

    /// <summary>Reads and checks the header; a file that is not the export is refused before anything is imported.</summary>
    public void ReadHeader()
    {
        var header = ReadRecord() ?? throw new InvalidDataException("The export is empty: no header row.");
        if (header.Count != ExpectedHeader.Length || !header.Select(h => h?.Trim()).SequenceEqual(ExpectedHeader))
        {
            throw new InvalidDataException($"The export's header is not LegacySim's ({ExpectedHeader.Length} columns from CUSTOMER_ID to ACTIVATED_ON).");
        }
    }

    public IEnumerable<LegacyExportRow> ReadRows()
    {
        long row = 0;
        while (ReadRecord() is { } fields)
        {
            row++;
            if (fields.Count == 1 && fields[0] is null)
            {
                continue;
            }

            yield return new LegacyExportRow(row, fields);
        }
    }

    /// <summary>One record, or null at the end of the input.</summary>
    private List<string?>? ReadRecord()
    {
        var c = reader.Read();
        if (c == -1)
        {
            return null;
        }

        var fields = new List<string?>(ExpectedHeader.Length);
        while (true)
        {
            field.Clear();
            var quoted = false;
            if (c == '"')
            {
                quoted = true;
                while (true)
                {
                    c = reader.Read();
                    if (c == -1)
                    {
                        throw new InvalidDataException("The export ends inside a quoted field.");
                    }

                    if (c == '"')
                    {
                        if (reader.Peek() == '"')
                        {
                            reader.Read();
                            field.Append('"');
                            continue;
                        }

                        c = reader.Read();
                        break;
                    }

                    field.Append((char)c);
                }
            }
            else
            {
                while (c is not (-1 or ',' or '\r' or '\n'))
                {
                    field.Append((char)c);
                    c = reader.Read();
                }
            }

            fields.Add(quoted || field.Length > 0 ? field.ToString() : null);
            if (c == ',')
            {
                c = reader.Read();
                continue;
            }

            if (c == '\r' && reader.Peek() == '\n')
            {
                reader.Read();
            }

            return fields;
        }
    }
}
