;; The keyword pass of the secret engine: an Aho-Corasick automaton run over UTF-8 bytes.
;; JavaScript builds the automaton (keyword-index.ts) and writes it into this module's memory:
;;   bytes [0, 256)      class of each byte value (0: not in any keyword)
;;   at $table           u16 transitions, 64 columns per state; the high bit marks a state that
;;                       ends a keyword
;;   at $seen            four areas of $stride bytes, one per segment (below), each a u32 per state:
;;                       the scan that last recorded that state in that segment
;; scan() walks $len bytes at $in and records keyword-ending states it enters as pairs (offset,
;; state), two i32 at $out, at most $cap pairs. Each segment records a state the first time it enters
;; it, and skips it after: code dense with `key` and `token` enters the same few states hundreds of
;; thousands of times, and recording each entry cost more than the walk itself. scan() returns how
;; many it recorded (which may exceed $cap: the caller then scans again, with a new $gen and room).
;;
;; One automaton step is three dependent loads, so a single walk is bound by memory latency, not
;; by the processor. scan() therefore cuts the input into four segments and steps four automata in
;; the same loop: the walks are independent, so the processor overlaps them. Each segment after the
;; first starts $overlap bytes early (the longest keyword less one) and records nothing in those
;; bytes: they warm its automaton up to the state a single walk from the start would be in, so a
;; keyword that straddles a cut is seen whole, and every pair recorded is one a single walk enters.
;; The segments record disjoint ranges of offsets, and each records a state at its first offset in
;; its range, so the pairs sorted by offset give the rules in exactly the order a single walk
;; meets them (which decides which rule names a value two rules find at the same place).
;; Compiled to keyword-scan.generated.ts by scripts/gen-keyword-wasm.ts.
(module
  (memory (export "memory") 1)

  ;; One step: the transition taken from state $s on byte at $p.
  (func $step (param $table i32) (param $s i32) (param $p i32) (result i32)
    (i32.load16_u
      (i32.add
        (local.get $table)
        (i32.shl
          (i32.or (i32.shl (local.get $s) (i32.const 6)) (i32.load8_u (i32.load8_u (local.get $p))))
          (i32.const 1)))))

  ;; Records (offset, state) for $v, which ends a keyword, unless this scan recorded its state
  ;; already; returns the new count.
  (func $record (param $v i32) (param $p i32) (param $in i32) (param $out i32) (param $cap i32) (param $n i32) (param $seen i32) (param $gen i32) (result i32)
    (local $slot i32) (local $at i32)
    (local.set $at (i32.add (local.get $seen) (i32.shl (i32.and (local.get $v) (i32.const 0x7fff)) (i32.const 2))))
    (if (i32.eq (i32.load (local.get $at)) (local.get $gen)) (then (return (local.get $n))))
    (i32.store (local.get $at) (local.get $gen))
    (if (i32.lt_u (local.get $n) (local.get $cap))
      (then
        (local.set $slot (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 3))))
        (i32.store (local.get $slot) (i32.sub (local.get $p) (local.get $in)))
        (i32.store offset=4 (local.get $slot) (i32.and (local.get $v) (i32.const 0x7fff)))))
    (i32.add (local.get $n) (i32.const 1)))

  ;; A single walk over [$p, $end) from state $s; returns the hit count.
  (func $walk (param $p i32) (param $end i32) (param $s i32) (param $in i32) (param $table i32) (param $out i32) (param $cap i32) (param $n i32) (param $seen i32) (param $gen i32) (result i32)
    (local $v i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v (call $step (local.get $table) (local.get $s) (local.get $p)))
        (if (i32.and (local.get $v) (i32.const 0x8000))
          (then (local.set $n (call $record (local.get $v) (local.get $p) (local.get $in) (local.get $out) (local.get $cap) (local.get $n) (local.get $seen) (local.get $gen)))))
        (local.set $s (i32.and (local.get $v) (i32.const 0x7fff)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (local.get $n))

  (func (export "scan") (param $in i32) (param $len i32) (param $table i32) (param $out i32) (param $cap i32) (param $overlap i32) (param $seen i32) (param $stride i32) (param $gen i32) (result i32)
    (local $seg i32) (local $n i32) (local $i i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local $v0 i32) (local $v1 i32) (local $v2 i32) (local $v3 i32)
    (local $seen1 i32) (local $seen2 i32) (local $seen3 i32)
    (local.set $seg (i32.shr_u (local.get $len) (i32.const 2)))
    ;; Short inputs: one walk.
    (if (i32.lt_u (local.get $seg) (i32.add (local.get $overlap) (i32.const 64)))
      (then (return (call $walk (local.get $in) (i32.add (local.get $in) (local.get $len)) (i32.const 0)
                       (local.get $in) (local.get $table) (local.get $out) (local.get $cap) (i32.const 0) (local.get $seen) (local.get $gen)))))
    (local.set $seen1 (i32.add (local.get $seen) (local.get $stride)))
    (local.set $seen2 (i32.add (local.get $seen1) (local.get $stride)))
    (local.set $seen3 (i32.add (local.get $seen2) (local.get $stride)))
    ;; Segment k covers [k*seg - overlap, (k+1)*seg); the last one runs to the end.
    (local.set $p0 (local.get $in))
    (local.set $p1 (i32.sub (i32.add (local.get $in) (local.get $seg)) (local.get $overlap)))
    (local.set $p2 (i32.sub (i32.add (local.get $in) (i32.shl (local.get $seg) (i32.const 1))) (local.get $overlap)))
    (local.set $p3 (i32.sub (i32.add (local.get $in) (i32.mul (local.get $seg) (i32.const 3))) (local.get $overlap)))
    ;; The first $seg steps of segments 1-3 (each is $seg + $overlap long) run together with segment 0;
    ;; their first $overlap steps only warm up (a step value is a u16: bit 15 is its top bit).
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $seg)))
        (local.set $v0 (call $step (local.get $table) (local.get $s0) (local.get $p0)))
        (local.set $v1 (call $step (local.get $table) (local.get $s1) (local.get $p1)))
        (local.set $v2 (call $step (local.get $table) (local.get $s2) (local.get $p2)))
        (local.set $v3 (call $step (local.get $table) (local.get $s3) (local.get $p3)))
        (if (i32.and (i32.or (i32.or (local.get $v0) (local.get $v1)) (i32.or (local.get $v2) (local.get $v3))) (i32.const 0x8000))
          (then
            (if (i32.and (local.get $v0) (i32.const 0x8000))
              (then (local.set $n (call $record (local.get $v0) (local.get $p0) (local.get $in) (local.get $out) (local.get $cap) (local.get $n) (local.get $seen) (local.get $gen)))))
            (if (i32.and (i32.shr_u (local.get $v1) (i32.const 15)) (i32.ge_u (local.get $i) (local.get $overlap)))
              (then (local.set $n (call $record (local.get $v1) (local.get $p1) (local.get $in) (local.get $out) (local.get $cap) (local.get $n) (local.get $seen1) (local.get $gen)))))
            (if (i32.and (i32.shr_u (local.get $v2) (i32.const 15)) (i32.ge_u (local.get $i) (local.get $overlap)))
              (then (local.set $n (call $record (local.get $v2) (local.get $p2) (local.get $in) (local.get $out) (local.get $cap) (local.get $n) (local.get $seen2) (local.get $gen)))))
            (if (i32.and (i32.shr_u (local.get $v3) (i32.const 15)) (i32.ge_u (local.get $i) (local.get $overlap)))
              (then (local.set $n (call $record (local.get $v3) (local.get $p3) (local.get $in) (local.get $out) (local.get $cap) (local.get $n) (local.get $seen3) (local.get $gen)))))))
        (local.set $s0 (i32.and (local.get $v0) (i32.const 0x7fff)))
        (local.set $s1 (i32.and (local.get $v1) (i32.const 0x7fff)))
        (local.set $s2 (i32.and (local.get $v2) (i32.const 0x7fff)))
        (local.set $s3 (i32.and (local.get $v3) (i32.const 0x7fff)))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 1)))
        (local.set $p1 (i32.add (local.get $p1) (i32.const 1)))
        (local.set $p2 (i32.add (local.get $p2) (i32.const 1)))
        (local.set $p3 (i32.add (local.get $p3) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    ;; Tails: segments 1 and 2 have $overlap steps left, segment 3 runs to the end of the input.
    (local.set $n (call $walk (local.get $p1) (i32.add (local.get $p1) (local.get $overlap)) (local.get $s1)
                    (local.get $in) (local.get $table) (local.get $out) (local.get $cap) (local.get $n) (local.get $seen1) (local.get $gen)))
    (local.set $n (call $walk (local.get $p2) (i32.add (local.get $p2) (local.get $overlap)) (local.get $s2)
                    (local.get $in) (local.get $table) (local.get $out) (local.get $cap) (local.get $n) (local.get $seen2) (local.get $gen)))
    (call $walk (local.get $p3) (i32.add (local.get $in) (local.get $len)) (local.get $s3)
      (local.get $in) (local.get $table) (local.get $out) (local.get $cap) (local.get $n) (local.get $seen3) (local.get $gen))))
