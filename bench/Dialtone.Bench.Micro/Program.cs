// dotnet run -c Release --project bench/Dialtone.Bench.Micro -- --filter '*'   (bench/README.md, "Micro-benchmarks")
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Dialtone.Bench.Micro.AccountStateWrite).Assembly).Run(args);
