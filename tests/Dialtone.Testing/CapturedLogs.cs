using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Dialtone.Testing;

/// <summary>
/// Every log line a test app writes at the levels its configuration lets through, with its structured values, as the
/// console would see them (after redaction). Bounded, so a long test cannot fill the memory.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private const int Capacity = 50_000;
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyCollection<string> Lines => lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        lines.Enqueue(line);
        while (lines.Count > Capacity && lines.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(string category, CapturedLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            owner.Add($"{logLevel} {category}: {formatter(state, exception)} | {values} {exception}");
        }
    }
}
