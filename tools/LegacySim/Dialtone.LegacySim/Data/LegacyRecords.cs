using System.Collections.Concurrent;
using System.Globalization;
using Dialtone.LegacySim.Soap;
using Microsoft.Data.Sqlite;

namespace Dialtone.LegacySim.Data;

/// <summary>
/// The legacy system's records and the rules its writes follow: one version per customer record, bumped by every
/// change to the customer or anything it holds (accounts, subscriptions); a write names the version it read and is
/// refused with <c>VERSION_CONFLICT</c> when the record has moved on; a write that changes nothing is not a change.
/// Every change is appended to the change log with who made it and the trace id it came with.
/// </summary>
internal sealed class LegacyRecords(LegacyDatabase database, TimeProvider clock)
{
    private const string CustomerSelect = "SELECT id, version, status, first_name, last_name, birth_date, email, phone, address, created_on, updated_at FROM customer";
    private readonly ConcurrentDictionary<string, bool> locks = new(StringComparer.Ordinal);

    public LegacyCustomer? GetCustomer(string id)
    {
        using var connection = database.Open();
        return ReadCustomers(connection, null, CustomerSelect + " WHERE id = $id", "customer_id = $id", ("$id", id)).SingleOrDefault();
    }

    /// <summary>Up to <paramref name="pageSize"/> customers after <paramref name="afterId"/> in id order (keyset paging).</summary>
    public IReadOnlyList<LegacyCustomer> ListCustomers(string afterId, int pageSize)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction(deferred: true);
        var customers = ReadCustomers(connection, transaction, CustomerSelect + " WHERE id > $after ORDER BY id LIMIT $limit",
            "customer_id > $after AND customer_id <= (SELECT max(id) FROM (SELECT id FROM customer WHERE id > $after ORDER BY id LIMIT $limit))",
            ("$after", afterId), ("$limit", pageSize));
        transaction.Commit();
        return customers;
    }

    public bool AccountExists(string accountId)
    {
        using var connection = database.Open();
        using var command = LegacyDatabase.Command(connection, null, "SELECT 1 FROM account WHERE id = $id", ("$id", accountId));
        return command.ExecuteScalar() is not null;
    }

    public IReadOnlyList<LegacyBill> GetBills(string accountId)
    {
        using var connection = database.Open();
        using var command = LegacyDatabase.Command(connection, null,
            "SELECT number, bill_date, period_from, period_to, due_date, amount, currency, status FROM bill WHERE account_id = $id ORDER BY bill_date DESC",
            ("$id", accountId));
        using var reader = command.ExecuteReader();
        var bills = new List<LegacyBill>();
        while (reader.Read())
        {
            bills.Add(new LegacyBill("B" + reader.GetInt64(0).ToString("D10", CultureInfo.InvariantCulture), reader.GetString(1), reader.GetString(2),
                reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7)));
        }

        return bills;
    }

    /// <summary>Changes after <paramref name="sinceWatermark"/>, oldest first, and the highest watermark there is.</summary>
    public (IReadOnlyList<LegacyChange> Changes, long HighWatermark) GetChanges(long sinceWatermark, int max)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction(deferred: true);
        using var command = LegacyDatabase.Command(connection, transaction,
            "SELECT watermark, at, entity, entity_id, customer_id, operation, fields, new_version, origin_system, origin_user, trace_id FROM change_log WHERE watermark > $since ORDER BY watermark LIMIT $max",
            ("$since", sinceWatermark), ("$max", max));
        var changes = new List<LegacyChange>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                changes.Add(new LegacyChange(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetString(6), reader.GetInt64(7), reader.GetString(8), reader.GetString(9),
                    LegacyDatabase.NullableString(reader, 10)));
            }
        }

        var high = HighWatermark(connection, transaction);
        transaction.Commit();
        return (changes, high);
    }

    public static long HighWatermark(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = LegacyDatabase.Command(connection, transaction, "SELECT coalesce(max(watermark), 0) FROM change_log");
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Email and phone; a null leaves a field as it is, an empty string clears it.</summary>
    public long UpdateContact(string customerId, long expectedVersion, Caller caller, string? email, string? phone) =>
        Change(customerId, expectedVersion, caller, "UpdateContact", (connection, transaction, current) =>
        {
            var fields = new List<string>();
            SetIfChanged(connection, transaction, customerId, "email", current.Email, email, "Email", fields);
            SetIfChanged(connection, transaction, customerId, "phone", current.Phone, phone, "Phone", fields);
            return new ChangedFields("Customer", customerId, fields);
        });

    /// <summary>Names and birth date (legacy's own screens only: the SOAP API has no such write); a null leaves a field as it is.</summary>
    public long UpdateIdentity(string customerId, long expectedVersion, Caller caller, string? firstName, string? lastName, string? birthDate) =>
        Change(customerId, expectedVersion, caller, "UpdateIdentity", (connection, transaction, current) =>
        {
            var fields = new List<string>();
            SetIfChanged(connection, transaction, customerId, "first_name", current.FirstName, firstName, "FirstName", fields);
            SetIfChanged(connection, transaction, customerId, "last_name", current.LastName, lastName, "LastName", fields);
            SetIfChanged(connection, transaction, customerId, "birth_date", current.BirthDate, birthDate, "BirthDate", fields);
            return new ChangedFields("Customer", customerId, fields);
        });

    public long UpdateAddress(string customerId, long expectedVersion, Caller caller, string address) =>
        Change(customerId, expectedVersion, caller, "UpdateAddress", (connection, transaction, current) =>
        {
            var fields = new List<string>();
            SetIfChanged(connection, transaction, customerId, "address", current.Address, address, "Address", fields);
            return new ChangedFields("Customer", customerId, fields);
        });

    public long ChangePlan(string customerId, long expectedVersion, Caller caller, string subscriptionId, string planCode)
    {
        if (!LegacyCodes.PlanCodes.Contains(planCode))
        {
            throw LegacyFault.UnknownPlan();
        }

        return Change(customerId, expectedVersion, caller, "ChangePlan", (connection, transaction, _) =>
        {
            var (plan, status) = Subscription(connection, transaction, customerId, subscriptionId);
            if (!LegacyCodes.IsLive(status))
            {
                throw LegacyFault.NotLive();
            }

            if (plan == planCode)
            {
                return new ChangedFields("Subscription", subscriptionId, []);
            }

            LegacyDatabase.Execute(connection, transaction, "UPDATE subscription SET plan_code = $plan WHERE id = $id", ("$plan", planCode), ("$id", subscriptionId));
            return new ChangedFields("Subscription", subscriptionId, ["PlanCode"]);
        });
    }

    /// <summary>The customer's status, or a subscription's when <paramref name="subscriptionId"/> is given.</summary>
    public long ChangeStatus(string customerId, long expectedVersion, Caller caller, string status, string? subscriptionId)
    {
        var valid = subscriptionId is null ? LegacyCodes.CustomerStatuses.Contains(status) && status != "X" : LegacyCodes.SubscriptionStatuses.Contains(status);
        if (!valid)
        {
            throw LegacyFault.InvalidStatus();
        }

        return Change(customerId, expectedVersion, caller, "ChangeStatus", (connection, transaction, current) =>
        {
            if (subscriptionId is null)
            {
                var fields = new List<string>();
                SetIfChanged(connection, transaction, customerId, "status", current.Status, status, "Status", fields);
                return new ChangedFields("Customer", customerId, fields);
            }

            var (_, was) = Subscription(connection, transaction, customerId, subscriptionId);
            if (was == status)
            {
                return new ChangedFields("Subscription", subscriptionId, []);
            }

            LegacyDatabase.Execute(connection, transaction, "UPDATE subscription SET status = $status WHERE id = $id", ("$status", status), ("$id", subscriptionId));
            return new ChangedFields("Subscription", subscriptionId, ["Status"]);
        });
    }

    /// <summary>
    /// Blanks the customer's personal data and marks the record erased (<c>X</c>). Accounts, subscriptions and bills stay:
    /// issued bills must be kept for their retention period, and the numbers belong to the operator.
    /// </summary>
    public long EraseCustomer(string customerId, long expectedVersion, Caller caller) =>
        Change(customerId, expectedVersion, caller, "EraseCustomer", (connection, transaction, _) =>
        {
            LegacyDatabase.Execute(connection, transaction,
                "UPDATE customer SET first_name = '*****', last_name = '*****', birth_date = NULL, email = NULL, phone = NULL, address = NULL, status = 'X' WHERE id = $id",
                ("$id", customerId));
            return new ChangedFields("Customer", customerId, ["FirstName", "LastName", "BirthDate", "Email", "Phone", "Address", "Status"]);
        });

    /// <summary>Holds the record's lock, as a legacy batch job would, so that writes to it fail with <c>RECORD_LOCKED</c>.</summary>
    public void Lock(string customerId) => locks[customerId] = true;

    public void Unlock(string customerId) => locks.TryRemove(customerId, out _);

    /// <summary>Ids of customers that are not erased, for changes made by legacy's own users.</summary>
    public IReadOnlyList<(string Id, long Version)> LiveCustomers(int max, Random random)
    {
        using var connection = database.Open();
        using var count = LegacyDatabase.Command(connection, null, "SELECT count(*) FROM customer WHERE status <> 'X'");
        var total = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
        using var command = LegacyDatabase.Command(connection, null,
            "SELECT id, version FROM customer WHERE status <> 'X' LIMIT $max OFFSET $offset",
            ("$max", max), ("$offset", total <= max ? 0 : random.NextInt64(total - max)));
        using var reader = command.ExecuteReader();
        var customers = new List<(string, long)>();
        while (reader.Read())
        {
            customers.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return customers;
    }

    private long Change(string customerId, long expectedVersion, Caller caller, string operation,
        Func<SqliteConnection, SqliteTransaction, LegacyCustomer, ChangedFields> apply) =>
        database.Write((connection, transaction) =>
        {
            var current = ReadCustomers(connection, transaction, CustomerSelect + " WHERE id = $id", null, ("$id", customerId)).SingleOrDefault()
                ?? throw LegacyFault.NotFound("customer");
            if (locks.ContainsKey(customerId))
            {
                throw LegacyFault.Locked();
            }

            if (current.Status == "X")
            {
                throw LegacyFault.Erased();
            }

            if (current.Version != expectedVersion)
            {
                throw LegacyFault.VersionConflict(current.Version);
            }

            var changed = apply(connection, transaction, current);
            if (changed.Fields.Count == 0)
            {
                return current.Version;
            }

            var now = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            var version = current.Version + 1;
            LegacyDatabase.Execute(connection, transaction, "UPDATE customer SET version = $version, updated_at = $now WHERE id = $id",
                ("$version", version), ("$now", now), ("$id", customerId));
            LegacyDatabase.Execute(connection, transaction, """
                INSERT INTO change_log (at, entity, entity_id, customer_id, operation, fields, new_version, origin_system, origin_user, trace_id)
                VALUES ($at, $entity, $entityId, $customer, $operation, $fields, $version, $system, $user, $trace)
                """,
                ("$at", now), ("$entity", changed.Entity), ("$entityId", changed.EntityId), ("$customer", customerId), ("$operation", operation),
                ("$fields", string.Join(',', changed.Fields)), ("$version", version), ("$system", caller.System), ("$user", caller.User),
                ("$trace", caller.TraceId));
            return version;
        });

    private static void SetIfChanged(SqliteConnection connection, SqliteTransaction transaction, string customerId, string column, string? was, string? value,
        string field, List<string> fields)
    {
        if (value is null)
        {
            return;
        }

        var next = value.Length == 0 ? null : value;
        if (string.Equals(was, next, StringComparison.Ordinal))
        {
            return;
        }

        LegacyDatabase.Execute(connection, transaction, $"UPDATE customer SET {column} = $value WHERE id = $id", ("$value", next), ("$id", customerId));
        fields.Add(field);
    }

    private static (string Plan, string Status) Subscription(SqliteConnection connection, SqliteTransaction transaction, string customerId, string subscriptionId)
    {
        using var command = LegacyDatabase.Command(connection, transaction,
            "SELECT plan_code, status FROM subscription WHERE id = $id AND customer_id = $customer", ("$id", subscriptionId), ("$customer", customerId));
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetString(1)) : throw LegacyFault.NotFound("subscription of this customer");
    }

    /// <summary>Customers with their accounts and subscriptions; <paramref name="childFilter"/> picks the children (by customer_id), null for none.</summary>
    private static List<LegacyCustomer> ReadCustomers(SqliteConnection connection, SqliteTransaction? transaction, string customerSql, string? childFilter, params (string, object?)[] parameters)
    {
        var rows = new List<LegacyCustomer>();
        using (var command = LegacyDatabase.Command(connection, transaction, customerSql, parameters))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add(new LegacyCustomer(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), LegacyDatabase.NullableString(reader, 3),
                    LegacyDatabase.NullableString(reader, 4), LegacyDatabase.NullableString(reader, 5), LegacyDatabase.NullableString(reader, 6),
                    LegacyDatabase.NullableString(reader, 7), LegacyDatabase.NullableString(reader, 8), reader.GetString(9), reader.GetString(10), []));
            }
        }

        if (childFilter is null || rows.Count == 0)
        {
            return rows;
        }

        var accounts = new Dictionary<string, LegacyAccount>(StringComparer.Ordinal);
        var byCustomer = rows.ToDictionary(c => c.Id, c => new List<LegacyAccount>(), StringComparer.Ordinal);
        using (var command = LegacyDatabase.Command(connection, transaction,
            $"SELECT id, customer_id, status, bill_cycle_day, payment_method, opened_on FROM account WHERE {childFilter} ORDER BY customer_id, id", parameters))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var account = new LegacyAccount(reader.GetString(0), reader.GetString(2), reader.GetInt32(3), reader.GetString(4), reader.GetString(5), new List<LegacySubscription>());
                accounts[account.Id] = account;
                if (byCustomer.TryGetValue(reader.GetString(1), out var list))
                {
                    list.Add(account);
                }
            }
        }

        using (var command = LegacyDatabase.Command(connection, transaction,
            $"SELECT id, account_id, msisdn, plan_code, status, activated_on FROM subscription WHERE {childFilter} ORDER BY customer_id, account_id, id", parameters))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (accounts.TryGetValue(reader.GetString(1), out var account))
                {
                    ((List<LegacySubscription>)account.Subscriptions).Add(
                        new LegacySubscription(reader.GetString(0), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
                }
            }
        }

        return [.. rows.Select(c => c with { Accounts = byCustomer[c.Id] })];
    }
}

/// <summary>Who made a change: the calling system and user from the Caller header, and the trace id from <c>traceparent</c>.</summary>
internal sealed record Caller(string System, string User, string? TraceId);

internal sealed record ChangedFields(string Entity, string EntityId, IReadOnlyList<string> Fields);

internal sealed record LegacyCustomer(
    string Id, long Version, string Status, string? FirstName, string? LastName, string? BirthDate, string? Email, string? Phone, string? Address,
    string CreatedOn, string UpdatedAt, IReadOnlyList<LegacyAccount> Accounts);

internal sealed record LegacyAccount(string Id, string Status, int BillCycleDay, string PaymentMethod, string OpenedOn, IReadOnlyList<LegacySubscription> Subscriptions);

internal sealed record LegacySubscription(string Id, string Msisdn, string PlanCode, string Status, string ActivatedOn);

internal sealed record LegacyBill(string Id, string BillDate, string PeriodFrom, string PeriodTo, string DueDate, string Amount, string Currency, string Status);

internal sealed record LegacyChange(
    long Watermark, string At, string Entity, string EntityId, string CustomerId, string Operation, string Fields, long NewVersion,
    string OriginSystem, string OriginUser, string? TraceId);
