using Microsoft.EntityFrameworkCore;

namespace Dialtone.Platform.Audit;

/// <summary>
/// The database itself refuses to change or remove an audit line: triggers on every module's audit table, installed
/// (idempotently) after the migrations at each start. No API writes anything but inserts either.
/// </summary>
internal static class AppendOnly
{
    public static async Task EnsureAsync(DbContext context, CancellationToken cancellationToken)
    {
        var entity = context.Model.FindEntityType(typeof(AuditEntry)) ?? throw new InvalidOperationException("No audit table in the model.");
        var table = entity.GetTableName()!;
        var schema = entity.GetSchema();
        var sql = Persistence.ModuleModel.IsSqlite(context)
            ? $"""
               CREATE TRIGGER IF NOT EXISTS "{table}_no_update" BEFORE UPDATE ON "{table}" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
               CREATE TRIGGER IF NOT EXISTS "{table}_no_delete" BEFORE DELETE ON "{table}" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
               """
            : $"""
               CREATE OR REPLACE FUNCTION "{schema}".audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
               DROP TRIGGER IF EXISTS audit_log_no_change ON "{schema}"."{table}";
               CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON "{schema}"."{table}" FOR EACH ROW EXECUTE FUNCTION "{schema}".audit_log_append_only();
               DROP TRIGGER IF EXISTS audit_log_no_truncate ON "{schema}"."{table}";
               CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "{schema}"."{table}" FOR EACH STATEMENT EXECUTE FUNCTION "{schema}".audit_log_append_only();
               """;
        await context.Database.ExecuteSqlRawAsync(sql, cancellationToken);
    }
}
