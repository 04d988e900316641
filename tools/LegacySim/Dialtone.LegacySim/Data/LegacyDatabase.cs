using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Dialtone.LegacySim.Data;

/// <summary>
/// The legacy system's own database: customers (one record version each), their accounts, subscriptions and bills, and
/// a change log whose row number is the change feed's watermark. Writes go one at a time, as through the single
/// update server of a classic system of record; reads run beside them on their own connections.
/// </summary>
internal sealed class LegacyDatabase
{
    private const string CustomerColumns = "id, version, status, first_name, last_name, birth_date, email, phone, address, created_on, updated_at";
    private readonly string connectionString;
    private readonly Lock writes = new();

    public LegacyDatabase(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        using var connection = Open();
        Execute(connection, null, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS customer (id TEXT PRIMARY KEY, version INTEGER NOT NULL, status TEXT NOT NULL, first_name TEXT,
                last_name TEXT, birth_date TEXT, email TEXT, phone TEXT, address TEXT, created_on TEXT NOT NULL, updated_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS account (id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, status TEXT NOT NULL,
                bill_cycle_day INTEGER NOT NULL, payment_method TEXT NOT NULL, opened_on TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS subscription (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, customer_id TEXT NOT NULL,
                msisdn TEXT NOT NULL, plan_code TEXT NOT NULL, status TEXT NOT NULL, activated_on TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS bill (number INTEGER PRIMARY KEY, account_id TEXT NOT NULL, bill_date TEXT NOT NULL,
                period_from TEXT NOT NULL, period_to TEXT NOT NULL, due_date TEXT NOT NULL, amount TEXT NOT NULL, currency TEXT NOT NULL,
                status TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS change_log (watermark INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, entity TEXT NOT NULL,
                entity_id TEXT NOT NULL, customer_id TEXT NOT NULL, operation TEXT NOT NULL, fields TEXT NOT NULL, new_version INTEGER NOT NULL,
                origin_system TEXT NOT NULL, origin_user TEXT NOT NULL, trace_id TEXT);
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            """);
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>The profile of the seeded data, or null before seeding.</summary>
    public DatasetProfile? Dataset()
    {
        using var connection = Open();
        using var command = Command(connection, null, "SELECT value FROM meta WHERE key = 'dataset'");
        return command.ExecuteScalar() is string json ? JsonSerializer.Deserialize<DatasetProfile>(json, JsonSerializerOptions.Web) : null;
    }

    /// <summary>Seeds an empty database in one transaction with prepared inserts; a seeded one is left as it is.</summary>
    public (DatasetProfile Profile, TimeSpan Took, bool Seeded) EnsureSeeded(int customers, int seed, DateOnly asOf)
    {
        if (Dataset() is { } existing)
        {
            return (existing, TimeSpan.Zero, false);
        }

        var clock = Stopwatch.StartNew();
        var generator = new LegacyDataGenerator(customers, seed, asOf);
        lock (writes)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction();
            using var insertCustomer = Prepared(connection, transaction,
                $"INSERT INTO customer ({CustomerColumns}) VALUES ($id, 1, $status, $first, $last, $birth, $email, $phone, $address, $created, $created)",
                "$id", "$status", "$first", "$last", "$birth", "$email", "$phone", "$address", "$created");
            using var insertAccount = Prepared(connection, transaction,
                "INSERT INTO account VALUES ($id, $customer, $status, $cycle, $payment, $opened)",
                "$id", "$customer", "$status", "$cycle", "$payment", "$opened");
            using var insertSubscription = Prepared(connection, transaction,
                "INSERT INTO subscription VALUES ($id, $account, $customer, $msisdn, $plan, $status, $activated)",
                "$id", "$account", "$customer", "$msisdn", "$plan", "$status", "$activated");
            using var insertBill = Prepared(connection, transaction,
                "INSERT INTO bill VALUES ($number, $account, $date, $from, $to, $due, $amount, 'EUR', $status)",
                "$number", "$account", "$date", "$from", "$to", "$due", "$amount", "$status");
            foreach (var customer in generator.Generate())
            {
                Run(insertCustomer, customer.Id, customer.Status, customer.FirstName, customer.LastName, customer.BirthDate, customer.Email,
                    customer.Phone, customer.Address, customer.CreatedOn);
                foreach (var account in customer.Accounts)
                {
                    Run(insertAccount, account.Id, customer.Id, account.Status, account.BillCycleDay, account.PaymentMethod, account.OpenedOn);
                    foreach (var subscription in account.Subscriptions)
                    {
                        Run(insertSubscription, subscription.Id, account.Id, customer.Id, subscription.Msisdn, subscription.PlanCode,
                            subscription.Status, subscription.ActivatedOn);
                    }

                    foreach (var bill in account.Bills)
                    {
                        Run(insertBill, bill.Number, account.Id, bill.BillDate, bill.PeriodFrom, bill.PeriodTo, bill.DueDate,
                            bill.Amount.ToString("0.00", CultureInfo.InvariantCulture), bill.Status);
                    }
                }
            }

            Execute(connection, transaction, """
                CREATE INDEX IF NOT EXISTS account_customer ON account (customer_id, id);
                CREATE INDEX IF NOT EXISTS subscription_customer ON subscription (customer_id, account_id, id);
                CREATE INDEX IF NOT EXISTS bill_account ON bill (account_id, bill_date);
                """);
            using var meta = Command(connection, transaction, "INSERT INTO meta (key, value) VALUES ('dataset', $value)",
                ("$value", JsonSerializer.Serialize(generator.Profile, JsonSerializerOptions.Web)));
            meta.ExecuteNonQuery();
            transaction.Commit();
        }

        return (generator.Profile, clock.Elapsed, true);
    }

    /// <summary>Runs <paramref name="work"/> as the only writer, in one transaction committed when it returns.</summary>
    public T Write<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        lock (writes)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction();
            var result = work(connection, transaction);
            transaction.Commit();
            return result;
        }
    }

    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        command.ExecuteNonQuery();
    }

    public static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static SqliteCommand Prepared(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = Command(connection, transaction, sql);
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    private static void Run(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        command.ExecuteNonQuery();
    }
}
