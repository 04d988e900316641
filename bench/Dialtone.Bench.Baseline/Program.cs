// A bare JSON GET: what Kestrel and System.Text.Json do on this machine with nothing of Dialtone in the way.
// Run: dotnet Dialtone.Bench.Baseline.dll --urls http://127.0.0.1:5091 ; GET /json
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var offering = new Offering("0190b3c2-0000-7000-8000-000000000001", "Bare JSON", "Launched", "1.0");
app.MapGet("/json", () => Results.Json(offering));
app.MapGet("/health/ready", () => Results.Ok());
await app.RunAsync();

internal sealed record Offering(string Id, string Name, string LifecycleStatus, string Version);
