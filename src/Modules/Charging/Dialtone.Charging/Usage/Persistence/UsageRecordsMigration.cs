using Microsoft.EntityFrameworkCore.Migrations;

namespace Dialtone.Charging.Usage.Persistence;

/// <summary>
/// Moves the index of the usage records stored as documents before the usage table (<c>UsageRecords</c> migration) out of
/// the search entries into it, and back: the same SQL on both databases, given each one's table names
/// (<c>usage_documents</c> on SQLite, <c>"usage"."documents"</c> on PostgreSQL). Their documents stay where they are.
/// </summary>
internal static class UsageRecordsMigration
{
    private const string Resource = "'usage'";

    // Typed, so that PostgreSQL matches the UNION's columns.
    private const string NoNumber = "CAST(NULL AS BIGINT)";

    public static void Up(MigrationBuilder migration, Func<string, string> table)
    {
        var (documents, entries, index, parties) = (table("documents"), table("search_entries"), table("records"), table("record_parties"));
        string First(string column, string path) => $"MIN(CASE WHEN e.\"Path\" = '{path}' THEN e.\"{column}\" END)";
        string Has(string path, string text) => $"MAX(CASE WHEN e.\"Path\" = '{path}' AND e.\"Text\" = '{text}' THEN 1 ELSE 0 END) = 1";

        // One pass over each record's entries (found by the (DocumentId, Path) index): a subquery per column would let the
        // planner pick a value index for the Text comparisons and scan it for every record.
        migration.Sql($"""
            INSERT INTO {index} ("DocumentId", "ProductId", "UsageDate", "UsageType", "Status", "Included", "Overage", "Billed", "Unbilled")
            SELECT d."Id", {First("Text", "ratedProductUsage.productRef.id")}, COALESCE({First("Time", "usageDate")}, 0),
                COALESCE({First("Text", "usageType")}, ''), COALESCE({First("Text", "status")}, ''),
                {Has("ratedProductUsage.usageRatingTag", UsageDocuments.Included)}, {Has("ratedProductUsage.usageRatingTag", UsageDocuments.Overage)},
                {Has("ratedProductUsage.isBilled", "true")}, {Has("ratedProductUsage.isBilled", "false")}
            FROM {documents} d LEFT JOIN {entries} e ON e."DocumentId" = d."Id"
            WHERE d."ResourceType" = {Resource}
            GROUP BY d."Id";
            """);
        migration.Sql($"""
            INSERT INTO {parties} ("PartyId", "DocumentId")
            SELECT DISTINCT e."Text", e."DocumentId" FROM {entries} e
            WHERE e."ResourceType" = {Resource} AND e."Path" = 'relatedParty.id' AND e."Text" IS NOT NULL;
            """);
        migration.Sql($"DELETE FROM {entries} WHERE \"ResourceType\" = {Resource};");
    }

    /// <summary>
    /// The way back, for records stored as documents. A record stored in the table itself (its <c>Record</c> set) has no
    /// document to go back to, and SQL cannot write one (its body is encrypted by the application): while any exists, the
    /// downgrade fails on a check constraint named for the reason, and nothing changes.
    /// </summary>
    public static void Down(MigrationBuilder migration, Func<string, string> table)
    {
        var (entries, index, parties) = (table("search_entries"), table("records"), table("record_parties"));
        migration.Sql($"""
            CREATE TEMPORARY TABLE usage_downgrade_guard (stored INTEGER NOT NULL,
                CONSTRAINT usage_records_stored_since_the_upgrade_would_be_lost CHECK (stored = 0));
            INSERT INTO usage_downgrade_guard (stored) SELECT COUNT(*) FROM {index} WHERE "Record" IS NOT NULL;
            DROP TABLE usage_downgrade_guard;
            """);
        string Text(string path, string value, string where = "") =>
            $"SELECT \"DocumentId\", {Resource}, '{path}', {value}, {NoNumber}, {NoNumber} FROM {index}{where}";

        migration.Sql($"""
            INSERT INTO {entries} ("DocumentId", "ResourceType", "Path", "Text", "Number", "Time")
            {Text("status", "\"Status\"")}
            UNION ALL {Text("usageType", "\"UsageType\"")}
            UNION ALL SELECT "DocumentId", {Resource}, 'usageDate', NULL, {NoNumber}, "UsageDate" FROM {index}
            UNION ALL {Text("ratedProductUsage.productRef.id", "\"ProductId\"", " WHERE \"ProductId\" IS NOT NULL")}
            UNION ALL {Text("ratedProductUsage.usageRatingTag", $"'{UsageDocuments.Included}'", " WHERE \"Included\"")}
            UNION ALL {Text("ratedProductUsage.usageRatingTag", $"'{UsageDocuments.Overage}'", " WHERE \"Overage\"")}
            UNION ALL {Text("ratedProductUsage.isBilled", "'true'", " WHERE \"Billed\"")}
            UNION ALL {Text("ratedProductUsage.isBilled", "'false'", " WHERE \"Unbilled\"")}
            UNION ALL SELECT "DocumentId", {Resource}, 'relatedParty.id', "PartyId", {NoNumber}, {NoNumber} FROM {parties};
            """);
    }
}
