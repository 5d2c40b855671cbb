/* jemalloc's settings for troupe's executables (linked only into them, never
   into the libraries: a host application keeps its own allocator).

   On the machines troupe is measured on (virtual machines, where a page
   fault costs several microseconds), the analysis was bound by first-touch
   page faults: a warm `troupe run` on the default corpus took ~34,000 faults
   for ~140 MB touched, and glibc's allocator trims and re-faults the same
   memory. jemalloc on transparent huge pages (madvise mode is enough, it
   asks for them) takes ~3,500: a warm run from the per-file records went
   from 0.82 s to 0.49 s and a cold --no-cache run from 3.75 s to 3.30 s
   (perf stat, 3 runs each).

   narenas:2 (one arena per core instead of jemalloc's 4 per core): with 8
   arenas the threads of a run spread their allocations over more huge
   pages; decoding records from the in-memory tier took 0.09-0.11 s for the
   corpus instead of 0.05-0.07 s (troupe_stage_bench --mode warm), with no
   loss elsewhere (--no-cache 3.29-3.35 s, warm records 0.53-0.56 s).
   glibc's allocator still decodes fastest there (0.047 s): the one figure
   this choice costs, see docs/STATUS.md (issue 5, ast_parse).

   jemalloc reads this symbol at start-up; MALLOC_CONF in the environment
   still overrides it for experiments. */
const char* malloc_conf = "thp:always,metadata_thp:always,narenas:2";
