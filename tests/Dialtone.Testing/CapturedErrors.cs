using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Dialtone.Testing;

/// <summary>Errors a test app logged, so that a failing test can say what went wrong on the server.</summary>
public sealed class CapturedErrors : ILoggerProvider
{
    private readonly ConcurrentQueue<string> entries = new();

    public IReadOnlyCollection<string> Entries => entries;

    /// <summary>Requests that ended in a 500 (the platform's exception handler logged them).</summary>
    public IReadOnlyList<string> UnhandledRequests => [.. entries.Where(e => e.StartsWith("Dialtone.Platform.Tmf.TmfExceptionHandler", StringComparison.Ordinal))];

    /// <summary>
    /// Errors no test expects: all but the migrator's probe of a fresh PostgreSQL database, Wolverine's agent chatter (its
    /// agents, and the acknowledgements nodes send each other for agent commands: Wolverine logs a successful one's
    /// "Started processing … Finished processing" under the message type's category, at Error, when two nodes share a
    /// PostgreSQL database) and Polly's reports of failed tries (logged at Error on purpose). The Orleans silo's own clocks are real time
    /// (ChargingModule), so a test moving the app's fake clock on by days no longer looks to it like a stalled silo.
    /// </summary>
    public IReadOnlyList<string> Unexpected => [.. entries.Where(e =>
        !e.Contains("__ef_migrations", StringComparison.Ordinal) && !e.StartsWith("Wolverine.Runtime.Agents", StringComparison.Ordinal)
        && !e.StartsWith("Wolverine.Runtime.RemoteInvocation.Acknowledgement:", StringComparison.Ordinal)
        && !e.StartsWith("Polly:", StringComparison.Ordinal))];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                entries.Enqueue($"{category}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
