using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Dialtone.Platform.Persistence;

namespace Dialtone.Platform.Tmf.Documents;

/// <summary>
/// Inserts many new documents with their search entries on the caller's open transaction with plain <c>INSERT</c>
/// statements (multi-row on PostgreSQL, one prepared single-row statement per row on SQLite), without EF Core's change
/// tracking: for writers of thousands of records a second (the charging usage
/// relay, bulk imports), where tracking each document and reading back each search entry's generated id costs more than
/// the database's own work. The statements are built from the EF model (table and column names, value converters), so
/// documents land exactly as <see cref="DbContext.SaveChangesAsync(CancellationToken)"/> would write them: the body
/// encrypted by its converter, times as the provider stores them. Only for documents that do not exist yet: an existing
/// id fails the insert on its primary key (the caller checks first and retries a batch that lost a race).
/// </summary>
public static class TmfDocumentBulk
{
    // SQLite allows 32,766 parameters a statement (since 3.32), PostgreSQL 65,535; stay well below both.
    private const int MaxParameters = 16_000;
    private const int MaxRowsPerStatement = 500;

    // Per model, not per context type: each host (each protector) has a model of its own, and a column's mapping holds
    // that host's converters (the body's encryption key).
    private static readonly ConditionalWeakTable<IModel, ConcurrentDictionary<Type, Insert>> Inserts = new();

    /// <summary>
    /// Inserts <paramref name="documents"/> (made by <see cref="TmfDocumentImport.Create{TRepresentation}"/>)
    /// and their search entries. The caller has begun the transaction and commits it.
    /// </summary>
    public static async Task InsertAsync(ModuleDbContext db, IReadOnlyList<TmfDocument> documents, CancellationToken cancellationToken)
    {
        if (documents.Count == 0)
        {
            return;
        }

        var transaction = TransactionOf(db);
        await InsertOf(db, typeof(TmfDocument)).RunAsync(transaction, documents, cancellationToken);
        await InsertOf(db, typeof(TmfSearchEntry)).RunAsync(transaction, [.. documents.SelectMany(document => document.SearchEntries)], cancellationToken);
        // The read cache forgets them at the commit, as it does for tracked writes.
        TmfDocumentChanges.Instance.Remember(db, [.. documents.Select(document => (document.ResourceType, document.Id))]);
    }

    /// <summary>
    /// Inserts new rows of another entity the module maps (the rows of an index of its own, <see cref="ITmfOwnIndex"/>) in the
    /// same way, on the caller's open transaction.
    /// </summary>
    public static async Task InsertRowsAsync<TEntity>(ModuleDbContext db, IReadOnlyList<TEntity> rows, CancellationToken cancellationToken)
        where TEntity : class
    {
        if (rows.Count > 0)
        {
            await InsertOf(db, typeof(TEntity)).RunAsync(TransactionOf(db), rows, cancellationToken);
        }
    }

    /// <summary>
    /// Resources written as rows of a module's own table (<see cref="ITmfOwnIndex"/>) inside <paramref name="db"/>'s
    /// transaction: the read cache forgets them (and the resource's cached lists) at its commit, as for documents.
    /// </summary>
    public static void Written(ModuleDbContext db, TmfResourceDescriptor resource, IEnumerable<string> ids) =>
        TmfDocumentChanges.Instance.Remember(db, [.. ids.Select(id => (resource.Resource, id))]);

    private static DbTransaction TransactionOf(ModuleDbContext db) =>
        db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("TmfDocumentBulk writes inside the caller's transaction; begin one first.");

    private static Insert InsertOf(ModuleDbContext db, Type entity) =>
        Inserts.GetOrCreateValue(db.Model).GetOrAdd(entity, key =>
        {
            var type = db.Model.FindEntityType(key) ?? throw new InvalidOperationException($"{key.Name} is not mapped by {db.GetType().Name}.");
            var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            // Generated keys (a search entry's id) are left to the database.
            var columns = type.GetProperties()
                .Where(property => !(property.IsPrimaryKey() && property.ValueGenerated == ValueGenerated.OnAdd))
                .Select(property => new Column(property.GetColumnName(table)!, property.GetRelationalTypeMapping(), property.GetGetter()))
                .ToArray();
            var sql = db.GetService<ISqlGenerationHelper>();
            // SQLite finds a statement's parameters by name with a linear scan, so a statement of thousands of parameters
            // costs seconds to bind; one prepared single-row statement run per row (in-process, no round trip) is fastest
            // there. PostgreSQL pays a round trip per statement: many rows a statement.
            return new Insert(sql.DelimitIdentifier(table.Name, table.Schema), columns, sql, multiRow: !ModuleModel.IsSqlite(db));
        });

    private sealed record Column(string Name, RelationalTypeMapping Mapping, IClrPropertyGetter Getter);

    private sealed class Insert(string table, Column[] columns, ISqlGenerationHelper sql, bool multiRow)
    {
        private readonly ConcurrentDictionary<int, string> statements = new();
        private readonly int rowsPerStatement = multiRow ? Math.Max(1, Math.Min(MaxRowsPerStatement, MaxParameters / columns.Length)) : 1;

        public async Task RunAsync(DbTransaction transaction, IReadOnlyList<object> rows, CancellationToken cancellationToken)
        {
            await using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            var parametersOf = 0;
            for (var start = 0; start < rows.Count; start += rowsPerStatement)
            {
                var count = Math.Min(rowsPerStatement, rows.Count - start);
                // The same text again keeps the statement prepared (Microsoft.Data.Sqlite; Npgsql prepares automatically).
                command.CommandText = statements.GetOrAdd(count, Statement);
                // The statement of the previous rows again (SQLite's one row a statement): its parameters take the new values.
                var reuse = count == parametersOf;
                if (!reuse)
                {
                    command.Parameters.Clear();
                }

                for (var row = 0; row < count; row++)
                {
                    var entity = rows[start + row];
                    for (var c = 0; c < columns.Length; c++)
                    {
                        var column = columns[c];
                        if (reuse)
                        {
                            command.Parameters[(row * columns.Length) + c].Value = ProviderValue(column, entity);
                        }
                        else
                        {
                            // The mapping converts (value converters: encryption, Unix milliseconds) and types the parameter as SaveChanges would.
                            command.Parameters.Add(column.Mapping.CreateParameter(command, ParameterName(row, c), column.Getter.GetClrValueUsingContainingEntity(entity)));
                        }
                    }
                }

                parametersOf = count;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        /// <summary>The value <see cref="RelationalTypeMapping.CreateParameter"/> gives a parameter for this column of <paramref name="entity"/>.</summary>
        private static object ProviderValue(Column column, object entity)
        {
            var value = column.Getter.GetClrValueUsingContainingEntity(entity);
            return (column.Mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value) ?? DBNull.Value;
        }

        private string ParameterName(int row, int column) => sql.GenerateParameterName($"p{(row * columns.Length) + column}");

        private string Statement(int count)
        {
            var text = new StringBuilder("INSERT INTO ").Append(table).Append(" (")
                .AppendJoin(", ", columns.Select(column => sql.DelimitIdentifier(column.Name))).Append(") VALUES ");
            for (var row = 0; row < count; row++)
            {
                text.Append(row == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Length; c++)
                {
                    text.Append(c == 0 ? "" : ", ").Append(sql.GenerateParameterNamePlaceholder($"p{(row * columns.Length) + c}"));
                }

                text.Append(')');
            }

            return text.ToString();
        }
    }
}
