using System.Text;

namespace Dialtone.LegacySim.Tests;

/// <summary>An RFC 4180 reader that keeps the export's distinction: an empty unquoted field is null, <c>""</c> is the empty string.</summary>
internal static class Csv
{
    public static List<Dictionary<string, string?>> Read(string text)
    {
        var records = Records(text).ToList();
        var header = records[0];
        return [.. records.Skip(1).Select(r => header.Select((name, i) => (name!, r[i])).ToDictionary(p => p.Item1, p => p.Item2))];
    }

    private static IEnumerable<List<string?>> Records(string text)
    {
        var record = new List<string?>();
        var field = new StringBuilder();
        var quoted = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"' && field.Length == 0 && !quoted)
            {
                quoted = true;
                i++;
                while (true)
                {
                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                    }
                    else if (text[i] == '"')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        field.Append(text[i++]);
                    }
                }

                continue;
            }

            if (c == ',')
            {
                record.Add(quoted || field.Length > 0 ? field.ToString() : null);
                field.Clear();
                quoted = false;
                i++;
                continue;
            }

            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                record.Add(quoted || field.Length > 0 ? field.ToString() : null);
                field.Clear();
                quoted = false;
                yield return record;
                record = [];
                i += 2;
                continue;
            }

            field.Append(c);
            i++;
        }

        if (record.Count > 0 || field.Length > 0)
        {
            record.Add(quoted || field.Length > 0 ? field.ToString() : null);
            yield return record;
        }
    }
}
