using System.Runtime.InteropServices;
using Dialtone.Platform.Hosting;

namespace Dialtone.Catalog.Tests.Conventions;

/// <summary>The host pins glibc's malloc thresholds (docs/decisions/0019-native-heap-thresholds.md).</summary>
public sealed class NativeHeapThresholds // Linux with glibc: CI's Debian and the product's images
{
    [Fact]
    public void OnGlibcABlockOfTensOfMebibytesComesFromTheArenaNotFromAFreshMapping()
    {
        Assert.Equal("malloc mmap threshold 32 MiB, trim threshold 64 MiB", NativeHeap.Tune(enabled: true, tunables: null));

        // glibc marks a chunk it mapped on its own with bit 1 (IS_MMAPPED) of the size word just before the block. At
        // glibc's default threshold (128 KiB, raised only to the size of a mapped block freed before) 24 MiB is mapped.
        var block = Marshal.AllocHGlobal(24 * 1024 * 1024); // malloc on Unix
        try
        {
            var sizeWord = Marshal.ReadInt64(block - sizeof(long));
            Assert.Equal(0, sizeWord & 2);
        }
        finally
        {
            Marshal.FreeHGlobal(block);
        }
    }

    [Fact]
    public void TheOperatorsOwnMallocTunablesAndTheSwitchWin()
    {
        Assert.Equal("left to GLIBC_TUNABLES", NativeHeap.Tune(enabled: true, tunables: "glibc.malloc.arena_max=2"));
        Assert.Equal("left at glibc's defaults (Dialtone:NativeHeap:Tune is false)", NativeHeap.Tune(enabled: false, tunables: null));
    }
}
