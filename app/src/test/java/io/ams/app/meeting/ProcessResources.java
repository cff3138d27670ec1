package io.ams.app.meeting;

import io.ams.engine.media.NativeResources;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What this JVM holds, as a soak test compares it before and after: threads (by name family, digits
 * stripped, so a leak names its kind), file descriptors, UDP sockets (the sockets among our descriptors
 * found in /proc/net/udp and udp6), JDK direct and mapped buffers, Netty's direct memory (pooled and
 * unpooled), the engine's outstanding native frames and packets, live heap after a full GC, and child
 * processes (aiortc peers not reaped).
 *
 * <p>Threads of the test's own client side are not the server's and are left out: the JDK's process
 * reaper pool (idle threads linger 60 s) and the aiortc bridges' stdout readers (they end with their
 * process, which the child count covers).
 */
record ProcessResources(int threads, Map<String, Integer> threadFamilies, int fds, int udpSockets, long directBuffers,
                        long directBytes, long mappedBytes, long nettyDirectBytes, long nettyPooledDirectBytes,
                        long nativeFrames, long nativePackets, long heapBytes, long children) {

    /** Tolerances of {@link #leaksAgainst}; see there. */
    static final int THREAD_SLACK = 2;
    static final int FD_SLACK = 4;
    static final long DIRECT_SLACK = 4L << 20;
    static final int DIRECT_COUNT_SLACK = 16;
    static final long NETTY_SLACK = 8L << 20;
    static final long HEAP_SLACK = 32L << 20;

    static ProcessResources now() {
        System.gc();
        System.gc();
        Map<String, Integer> families = new TreeMap<>();
        int threads = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName();
            if (!t.isAlive() || name.startsWith("process reaper") || name.equals("aiortc-bridge")) {
                continue;
            }
            threads++;
            families.merge(name.replaceAll("[0-9]+", "#"), 1, Integer::sum);
        }
        Set<String> sockets = new HashSet<>();
        int fds = 0;
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                fds++;
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    if (target.startsWith("socket:[")) {
                        sockets.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile (the listing's own descriptor among them)
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
        int udp = 0;
        for (String table : List.of("/proc/self/net/udp", "/proc/self/net/udp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && sockets.contains(f[9])) {
                        udp++;
                    }
                }
            } catch (IOException e) {
                // no IPv6
            }
        }
        long directCount = 0;
        long direct = 0;
        long mapped = 0;
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                directCount = b.getCount();
                direct = b.getMemoryUsed();
            } else if (b.getName().equals("mapped")) {
                mapped = b.getMemoryUsed();
            }
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new ProcessResources(threads, families, fds, udp, directCount, direct, mapped,
                PlatformDependent.usedDirectMemory(), PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory(),
                NativeResources.outstandingFrames(), NativeResources.outstandingPackets(), heap,
                ProcessHandle.current().children().filter(ProcessHandle::isAlive).count());
    }

    /**
     * What grew beyond its tolerance since {@code baseline}, one line per resource (empty: none).
     * Tolerances: native frames and packets, UDP sockets and child processes exactly (each is one
     * object the server or the test owns; a single one left is a leak). Threads +{@value #THREAD_SLACK},
     * in all and in any one name family (a shared pool retiring idle threads meanwhile must not hide a
     * family that grew), and descriptors +{@value #FD_SLACK}: shared pools (gRPC's cached executor, ForkJoin's common pool,
     * the JDK's HTTP client) start or retire a thread and its epoll/eventfd descriptors on their own
     * schedule. JDK direct buffers +{@value #DIRECT_COUNT_SLACK} buffers and +4 MiB: the JDK keeps up to 16
     * temporary direct buffers per thread for channel I/O on heap buffers (sun.nio.ch.Util), each as
     * large as the largest I/O that thread did, so after a bigger meeting the long-lived threads keep
     * bigger ones (the soak benchmark saw +6 buffers, +1.9 MiB after a 6-peer meeting, then flat over 453
     * cycles). Netty direct memory +8 MiB, two chunks of its pooled allocator, which keeps chunks it once
     * needed; heap +32 MiB after full GCs (class loading, JIT and logging caches). A leak of one peer, or
     * one direct buffer, per cycle exceeds these within the 50 cycles of the CI soak: a peer holds 2
     * threads and several sockets.
     */
    List<String> leaksAgainst(ProcessResources baseline) {
        List<String> out = new ArrayList<>();
        check(out, "native frames (NativeResources.outstandingFrames)", baseline.nativeFrames, nativeFrames, 0);
        check(out, "native packets (NativeResources.outstandingPackets)", baseline.nativePackets, nativePackets, 0);
        check(out, "UDP sockets", baseline.udpSockets, udpSockets, 0);
        check(out, "child processes (aiortc peers not reaped)", baseline.children, children, 0);
        List<String> grown = new ArrayList<>();
        boolean familyLeak = false;
        for (var e : threadFamilies.entrySet()) {
            int before = baseline.threadFamilies.getOrDefault(e.getKey(), 0);
            if (e.getValue() > before) {
                grown.add(e.getKey() + " " + before + "->" + e.getValue());
                familyLeak |= e.getValue() > before + THREAD_SLACK;
            }
        }
        if (threads > baseline.threads + THREAD_SLACK || familyLeak) {
            out.add("threads: " + baseline.threads + " at baseline, " + threads + " now (tolerance +" + THREAD_SLACK
                    + "); grown: " + grown);
        }
        check(out, "file descriptors", baseline.fds, fds, FD_SLACK);
        check(out, "JDK direct buffers", baseline.directBuffers, directBuffers, DIRECT_COUNT_SLACK);
        check(out, "JDK direct buffer bytes", baseline.directBytes, directBytes, DIRECT_SLACK);
        check(out, "JDK mapped buffer bytes", baseline.mappedBytes, mappedBytes, 0);
        check(out, "Netty direct memory bytes", baseline.nettyDirectBytes, nettyDirectBytes, NETTY_SLACK);
        check(out, "heap bytes after GC", baseline.heapBytes, heapBytes, HEAP_SLACK);
        return out;
    }

    private static void check(List<String> out, String what, long before, long now, long slack) {
        if (now > before + slack) {
            out.add(what + ": " + before + " at baseline, " + now + " now (tolerance +" + slack + ")");
        }
    }

    /** One line for logs and docs/BENCHMARKS.md. */
    String line() {
        return String.format("threads %d, fds %d, udp sockets %d, direct buffers %d (%d KiB), mapped %d KiB, netty direct %d KiB"
                        + " (pooled %d KiB), native frames %d, native packets %d, heap %d MiB, child processes %d",
                threads, fds, udpSockets, directBuffers, directBytes >> 10, mappedBytes >> 10, nettyDirectBytes >> 10,
                nettyPooledDirectBytes >> 10, nativeFrames, nativePackets, heapBytes >> 20, children);
    }
}
