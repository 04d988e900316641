using Xunit;

namespace Dialtone.Testing;

/// <summary>
/// One app per database for a test class (a class fixture): tests take a <see cref="TestDatabase"/> from
/// <see cref="DialtoneApp.Databases"/> and ask for its app here, so one suite runs on SQLite and on PostgreSQL.
/// </summary>
public sealed class DialtoneApps : IAsyncDisposable
{
    private readonly Dictionary<TestDatabase, DialtoneApp> apps = [];
    private readonly Lock gate = new();

    public static TheoryData<TestDatabase> Databases
    {
        get
        {
            var data = new TheoryData<TestDatabase>();
            foreach (var database in DialtoneApp.Databases)
            {
                data.Add(database);
            }

            return data;
        }
    }

    public DialtoneApp For(TestDatabase database)
    {
        lock (gate)
        {
            if (!apps.TryGetValue(database, out var app))
            {
                app = new DialtoneApp(database);
                apps[database] = app;
            }

            return app;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in apps.Values)
        {
            await app.DisposeAsync();
        }
    }
}
