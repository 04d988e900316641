using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dialtone.Charging.Grains;
using Dialtone.Charging.Outbox;
using Dialtone.Charging.Storage;
using Dialtone.Charging.Tests.Storage;
using Dialtone.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;

namespace Dialtone.Charging.Tests.Outbox;

/// <summary>
/// An outbox entry its handler cannot take goes to the dead letters after its last attempt, and the rest of its kind
/// flows past it; an admin lists it, reads it and replays it once the cause is fixed.
/// </summary>
public sealed class OutboxDeadLetters
{
    private const string Api = GrainOutboxDeadLetterEndpoints.Root;

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AnEntryThatKeepsFailingIsDeadLetteredWithoutHoldingBackItsKindAndAReplayDeliversIt(TestDatabase database)
    {
        var handler = new PickyHandler();
        await using var app = AppWith(database, handler, maxAttempts: 3);
        using var admin = app.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(Api)).StatusCode);

        handler.Refused["poison"] = true;
        await WriteEntriesAsync(app, "good-1", "poison", "good-2", "good-3");

        // The good entries arrive although the poisoned one came before two of them.
        await EventuallyAsync(() => handler.Handled.Keys.Order().SequenceEqual(["good-1", "good-2", "good-3"]), "the good entries were never relayed");
        var letter = await EventuallyAsync(async () => (await ListAsync(admin)).SingleOrDefault(), "the poisoned entry never reached the dead letters");
        Assert.Equal(("test-picky", "poison", 3), (letter["kind"]!.GetValue<string>(), letter["entryId"]!.GetValue<string>(), letter["attempts"]!.GetValue<int>()));
        Assert.Contains("refused poison", letter["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(letter["payload"]);
        // A handled entry leaves the outbox with the store's next commit, just after its handler returned.
        await EventuallyAsync(async () => (await PendingAsync(app)).Count == 0 ? (object?)true : null, "the handled entries stayed in the outbox");

        var id = letter["id"]!.GetValue<string>();
        var read = await admin.GetFromJsonAsync<JsonObject>($"{Api}/{id}");
        Assert.Equal("""{"entry":"poison"}""", read!["payload"]!.GetValue<string>());

        // Only admins see or replay them; unknown ids are 404s; bad bodies are 400s, never 500s.
        using var agent = app.ClientAs("agent-1", "agent");
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync(Api)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync($"{Api}/replay", Json($$"""{"ids":["{{id}}"]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"{Api}/999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"{Api}/not-a-number")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"{Api}?limit=0")).StatusCode);
        foreach (var body in new[] { "{", "{}", """{"ids":"1"}""", """{"ids":[]}""", """{"ids":[1]}""", "[]" })
        {
            var refused = await admin.PostAsync($"{Api}/replay", Json(body));
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{body} → {(int)refused.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"{Api}/replay", Json($$"""{"ids":["{{id}}","999999"]}"""))).StatusCode);
        Assert.Single(await ListAsync(admin));
        Assert.Equal(1L, (await app.Services.GetRequiredKeyedService<BatchingGrainStorage>(ChargingStorage.Name).Dialect.OutboxDepthAsync(CancellationToken.None)).DeadLetters);

        // The same entry written again while still refused: alone, with nothing after it to show the handler works, it
        // waits however often it fails; and replaying the dead letter then does not double it.
        await WriteEntriesAsync(app, "poison");
        await EventuallyAsync(async () => (await PendingAsync(app)).SingleOrDefault(p => p.Attempts >= 5), "the lone entry was not retried");
        Assert.Single(await ListAsync(admin));

        // The cause is fixed; the replay puts it back and the relay delivers it, once.
        var replay = await admin.PostAsync($"{Api}/replay", Json($$"""{"ids":["{{id}}"]}"""));
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal([id], (await replay.Content.ReadFromJsonAsync<JsonObject>())!["replayed"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Single(await PendingAsync(app));
        handler.Refused.Clear();
        await EventuallyAsync(() => handler.Handled.ContainsKey("poison"), "the replayed entry was never relayed");
        await EventuallyAsync(async () => (await PendingAsync(app)).Count == 0 ? (object?)true : null, "the outbox did not empty");
        Assert.Equal(1, handler.Handled["poison"]);
        Assert.Empty(await ListAsync(admin));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"{Api}/replay", Json($$"""{"ids":["{{id}}"]}"""))).StatusCode);
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AHandlerThatFailsEverythingForLongDeadLettersNothingAndCatchesUpWhenItIsBack(TestDatabase database)
    {
        var handler = new PickyHandler { RefuseAll = true };
        await using var app = AppWith(database, handler, maxAttempts: 2);
        using var admin = app.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(Api)).StatusCode);

        // Its database is down: far more failed tries than MaxAttempts, for the first entry and after it.
        await WriteEntriesAsync(app, "a", "b", "c");
        await EventuallyAsync(async () => (await PendingAsync(app)).FirstOrDefault(p => p.Attempts >= 6), "the relay did not keep trying");
        Assert.Empty(await ListAsync(admin));
        Assert.Equal(3, (await PendingAsync(app)).Count);

        handler.RefuseAll = false;
        await EventuallyAsync(() => handler.Handled.Keys.Order().SequenceEqual(["a", "b", "c"]), "the entries were not relayed once the handler was back");
        Assert.Empty(await ListAsync(admin));
    }

    [Theory]
    [MemberData(nameof(DialtoneApps.Databases), MemberType = typeof(DialtoneApps))]
    public async Task AnOutageThatEndsInTheMiddleOfAPassDeadLettersNothing(TestDatabase database)
    {
        var handler = new PickyHandler { RefuseAll = true };
        await using var app = AppWith(database, handler, maxAttempts: 2);
        using var admin = app.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(Api)).StatusCode);

        // Every entry has used its attempts while the handler's database was down: each is tried alone, a suspect.
        await WriteEntriesAsync(app, "a", "b", "c");
        await EventuallyAsync(async () => (await PendingAsync(app)) is { Count: 3 } pending && pending.All(p => p.Attempts >= 2) ? pending : null,
            "the entries did not use their attempts");

        // The database comes back just after the next pass tried "a" (a suspect again) and before it tries "b".
        handler.BackAfterRefusing = "a";
        await EventuallyAsync(() => handler.Handled.Keys.Order().SequenceEqual(["a", "b", "c"]), "the entries were not relayed once the handler was back");
        Assert.Empty(await ListAsync(admin));
        Assert.All(handler.Handled.Values, count => Assert.Equal(1, count));
        await EventuallyAsync(async () => (await PendingAsync(app)).Count == 0 ? (object?)true : null, "the outbox did not empty");
    }

    /// <summary>The app with <paramref name="handler"/> taking the test kind's entries, each entry given <paramref name="maxAttempts"/>.</summary>
    private static DialtoneApp AppWith(TestDatabase database, PickyHandler handler, int maxAttempts) =>
        new(database,
            new Dictionary<string, string?> { ["Dialtone:Charging:Outbox:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            services: services => services.AddSingleton<IGrainOutboxHandler>(handler));

    private static async Task WriteEntriesAsync(DialtoneApp app, params string[] ids)
    {
        var storage = app.Services.GetRequiredKeyedService<BatchingGrainStorage>(ChargingStorage.Name);
        var state = new GrainState<Tally>(new Tally { Value = 1 });
        var at = DateTimeOffset.UtcNow;
        foreach (var id in ids)
        {
            state.State!.Outbox.Add(new GrainOutboxEntry(id, PickyHandler.TestKind, $$"""{"entry":"{{id}}"}""", at));
        }

        await storage.WriteStateAsync("tally", GrainId.Create("test-tally", Guid.NewGuid().ToString("N")), state);
    }

    private static async Task<IReadOnlyList<StoredOutboxEntry>> PendingAsync(DialtoneApp app) =>
        await app.Services.GetRequiredKeyedService<BatchingGrainStorage>(ChargingStorage.Name).Dialect.ReadOutboxAsync(100, [], CancellationToken.None);

    private static async Task<List<JsonObject>> ListAsync(HttpClient admin)
    {
        var listed = await admin.GetFromJsonAsync<JsonArray>(Api);
        return [.. listed!.Select(node => node!.AsObject())];
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task EventuallyAsync(Func<bool> condition, string failure) =>
        await EventuallyAsync(() => Task.FromResult(condition() ? (object?)true : null), failure);

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string failure) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(20);
        }
    }

    /// <summary>A handler of a test kind that refuses the entries it is told to, as a handler meets a record it cannot take.</summary>
    private sealed class PickyHandler : IGrainOutboxHandler
    {
        public const string TestKind = "test-picky";

        public ConcurrentDictionary<string, bool> Refused { get; } = new();

        /// <summary>How often each entry was handled.</summary>
        public ConcurrentDictionary<string, int> Handled { get; } = new();

        /// <summary>Fails every call, as a handler whose database is down.</summary>
        public bool RefuseAll { get; set; }

        public string Kind => TestKind;

        /// <summary>While <see cref="RefuseAll"/>: the entry whose next try alone is the last one refused (the database comes back just after it).</summary>
        public string? BackAfterRefusing { get; set; }

        public Task HandleAsync(IReadOnlyList<GrainOutboxEntry> entries, CancellationToken cancellationToken)
        {
            if (RefuseAll)
            {
                if (BackAfterRefusing is { } last && entries is [{ } only] && only.Id == last)
                {
                    RefuseAll = false;
                }

                throw new InvalidOperationException("the handler's database is down");
            }

            if (entries.FirstOrDefault(entry => Refused.ContainsKey(entry.Id)) is { } refused)
            {
                throw new InvalidOperationException($"refused {refused.Id}");
            }

            foreach (var entry in entries)
            {
                Handled.AddOrUpdate(entry.Id, 1, (_, count) => count + 1);
            }

            return Task.CompletedTask;
        }
    }
}
