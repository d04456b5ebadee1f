;; kubecheck plugin `edge`, written by hand in WebAssembly text against
;; docs/plugin-abi.md alone: no SDK, no compiler, no imports.
;;
;; Rule `edge/load-balancer-service`: a Service of `type: LoadBalancer` outside the
;; namespace allowed to face the internet (`edge`, or the setting `namespace`). Each
;; finding carries a fix (ABI 5.4): `type: ClusterIP`, marked unsafe, which `kubecheck
;; fix --unsafe` applies as it does a built-in rule's.
;;
;; The input is read with a small streaming JSON scanner that keeps, for each nesting
;; depth, the key (objects) or index (arrays) it is under. Values are matched on their
;; path: resources[i].object.kind, .spec.type, .metadata.namespace, and
;; settings.namespace. Keys written with JSON escapes are not recognised (none of these
;; need any). Keys may come in any order: a resource's verdict is taken when its object
;; closes, and findings are written after the whole input is read, once the settings
;; are known.
;;
;; Memory: page 0 holds the constants (0..), the metadata (8192..), the key stack
;; (16384.., 64 depths x 16 bytes) and a digit buffer (17408..); the heap starts at
;; page 1 and only grows: the input, then the candidate table, then the output.
(module
  (memory (export "memory") 2)

  (global $heap (mut i32) (i32.const 65536))
  (global $out (mut i32) (i32.const 0))

  (data (i32.const 0) "resources")
  (data (i32.const 16) "object")
  (data (i32.const 32) "kind")
  (data (i32.const 48) "Service")
  (data (i32.const 64) "spec")
  (data (i32.const 80) "type")
  (data (i32.const 96) "LoadBalancer")
  (data (i32.const 112) "metadata")
  (data (i32.const 128) "namespace")
  (data (i32.const 144) "settings")
  (data (i32.const 160) "edge")
  (data (i32.const 176) "default")
  (data (i32.const 192) "{\"findings\":[")
  (data (i32.const 224) "{\"rule\":\"load-balancer-service\",\"resource\":")
  (data (i32.const 288) ",\"path\":\"/spec/type\",\"message\":\"service has `type: LoadBalancer` outside namespace `")
  (data (i32.const 400) "]}")
  (data (i32.const 416) ",")
  ;; The end of a finding with its fix (ABI 5.4): unsafe, since the Service stops
  ;; answering outside the cluster.
  (data (i32.const 432) "`\",\"fix\":{\"description\":\"make it a `ClusterIP` Service, reachable only inside the cluster\",\"applicability\":\"unsafe\",\"patch\":[{\"op\":\"replace\",\"path\":\"/spec/type\",\"value\":\"ClusterIP\"}]}}")
  (data (i32.const 8192) "{\"name\":\"edge\",\"version\":\"1.0.0\",\"rules\":[{\"id\":\"load-balancer-service\",\"title\":\"Service of type LoadBalancer outside the edge namespace\",\"category\":\"network\",\"severity\":\"high\",\"description\":\"A `Service` of `type: LoadBalancer` gets an address reachable from outside the cluster. Only the namespace that fronts the internet may create one: `edge`, or the plugin setting `namespace`.\",\"remediation\":\"Use a `ClusterIP` Service behind the edge ingress, or move the Service to the edge namespace.\"}]}")

  ;; (ptr << 32) | len, the ABI's way of returning a document.
  (func $pack (param $ptr i32) (param $len i32) (result i64)
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32))
      (i64.extend_i32_u (local.get $len))))

  (func (export "kubecheck_abi_version") (result i32)
    (i32.const 1))

  (func (export "kubecheck_metadata") (result i64)
    (call $pack (i32.const 8192) (i32.const 496)))

  ;; Grows the memory so that addresses below $end exist; traps if it cannot.
  (func $ensure (param $end i32)
    (local $have i32)
    (local.set $have (i32.shl (memory.size) (i32.const 16)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq
              (memory.grow
                (i32.shr_u
                  (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535))
                  (i32.const 16)))
              (i32.const -1))
          (then unreachable)))))

  ;; A bump allocator: the instance lives for one call, nothing is ever freed.
  (func (export "kubecheck_alloc") (param $len i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (global.get $heap))
    (global.set $heap (i32.add (local.get $ptr) (local.get $len)))
    (call $ensure (global.get $heap))
    (local.get $ptr))

  (func $eq (param $p i32) (param $n i32) (param $q i32) (param $m i32) (result i32)
    (local $i i32)
    (if (i32.ne (local.get $n) (local.get $m)) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $p) (local.get $i)))
                    (i32.load8_u (i32.add (local.get $q) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  ;; Key stack slot of depth $d: +0 key pointer, +4 key length (-1: none),
  ;; +8 is-array flag, +12 array index.
  (func $slot (param $d i32) (result i32)
    (i32.add (i32.const 16384) (i32.shl (local.get $d) (i32.const 4))))

  (func $key_is (param $d i32) (param $s i32) (param $n i32) (result i32)
    (call $eq
      (i32.load (call $slot (local.get $d)))
      (i32.load offset=4 (call $slot (local.get $d)))
      (local.get $s) (local.get $n)))

  (func $put (param $src i32) (param $len i32)
    (call $ensure (i32.add (global.get $out) (local.get $len)))
    (memory.copy (global.get $out) (local.get $src) (local.get $len))
    (global.set $out (i32.add (global.get $out) (local.get $len))))

  (func $put_u32 (param $v i32)
    (local $p i32)
    (local.set $p (i32.const 17424))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
      (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
      (br_if $digit (local.get $v)))
    (call $put (local.get $p) (i32.sub (i32.const 17424) (local.get $p))))

  (func (export "kubecheck_check") (param $ptr i32) (param $len i32) (result i64)
    (local $i i32) (local $end i32) (local $c i32) (local $j i32)
    (local $depth i32) (local $expect_key i32)
    (local $flags i32) (local $ns_ptr i32) (local $ns_len i32)
    (local $allow_ptr i32) (local $allow_len i32)
    (local $table i32) (local $count i32) (local $k i32) (local $row i32)
    (local $in_resource i32) (local $start i32)

    (local.set $i (local.get $ptr))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (local.set $allow_ptr (i32.const 160))
    (local.set $allow_len (i32.const 4))
    (local.set $table (global.get $heap))

    (block $scanned
      (loop $scan
        (br_if $scanned (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))

        ;; { or [: open a container one level deeper.
        (if (i32.or (i32.eq (local.get $c) (i32.const 123)) (i32.eq (local.get $c) (i32.const 91)))
          (then
            (local.set $depth (i32.add (local.get $depth) (i32.const 1)))
            (local.set $expect_key (i32.eq (local.get $c) (i32.const 123)))
            (if (i32.lt_u (local.get $depth) (i32.const 64))
              (then
                (i32.store offset=4 (call $slot (local.get $depth)) (i32.const -1))
                (i32.store offset=8 (call $slot (local.get $depth)) (i32.eq (local.get $c) (i32.const 91)))
                (i32.store offset=12 (call $slot (local.get $depth)) (i32.const 0))))
            ;; A resource starts: forget the previous one's findings.
            (if (i32.and (i32.eq (local.get $depth) (i32.const 3))
                         (call $key_is (i32.const 1) (i32.const 0) (i32.const 9)))
              (then
                (local.set $flags (i32.const 0))
                (local.set $ns_len (i32.const -1))))
            (br $scan)))

        ;; } or ]: close; a closing resource object may become a candidate.
        (if (i32.or (i32.eq (local.get $c) (i32.const 125)) (i32.eq (local.get $c) (i32.const 93)))
          (then
            (if (i32.and
                  (i32.and (i32.eq (local.get $depth) (i32.const 3)) (i32.eq (local.get $flags) (i32.const 3)))
                  (call $key_is (i32.const 1) (i32.const 0) (i32.const 9)))
              (then
                (local.set $row (i32.add (local.get $table) (i32.mul (local.get $count) (i32.const 12))))
                (call $ensure (i32.add (local.get $row) (i32.const 12)))
                (i32.store (local.get $row) (i32.load offset=12 (call $slot (i32.const 2))))
                (i32.store offset=4 (local.get $row) (local.get $ns_ptr))
                (i32.store offset=8 (local.get $row) (local.get $ns_len))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
            (local.set $expect_key (i32.const 0))
            (br $scan)))

        ;; , : next array element, or next key of an object.
        (if (i32.eq (local.get $c) (i32.const 44))
          (then
            (if (i32.lt_u (local.get $depth) (i32.const 64))
              (then
                (if (i32.load offset=8 (call $slot (local.get $depth)))
                  (then
                    (i32.store offset=12 (call $slot (local.get $depth))
                      (i32.add (i32.load offset=12 (call $slot (local.get $depth))) (i32.const 1))))
                  (else (local.set $expect_key (i32.const 1))))))
            (br $scan)))

        ;; " : a key or a string value; escapes skip the next byte.
        (if (i32.eq (local.get $c) (i32.const 34))
          (then
            (local.set $start (local.get $i))
            (local.set $j (local.get $i))
            (block $closed
              (loop $char
                (br_if $closed (i32.ge_u (local.get $j) (local.get $end)))
                (br_if $closed (i32.eq (i32.load8_u (local.get $j)) (i32.const 34)))
                (local.set $j (i32.add (local.get $j)
                  (select (i32.const 2) (i32.const 1)
                    (i32.eq (i32.load8_u (local.get $j)) (i32.const 92)))))
                (br $char)))
            (local.set $i (i32.add (local.get $j) (i32.const 1)))
            (local.set $len (i32.sub (local.get $j) (local.get $start)))
            (if (local.get $expect_key)
              (then
                (local.set $expect_key (i32.const 0))
                (if (i32.lt_u (local.get $depth) (i32.const 64))
                  (then
                    (i32.store (call $slot (local.get $depth)) (local.get $start))
                    (i32.store offset=4 (call $slot (local.get $depth)) (local.get $len))))
                (br $scan)))
            ;; settings.namespace
            (if (i32.and (i32.eq (local.get $depth) (i32.const 2))
                  (i32.and (call $key_is (i32.const 1) (i32.const 144) (i32.const 8))
                           (call $key_is (i32.const 2) (i32.const 128) (i32.const 9))))
              (then
                (local.set $allow_ptr (local.get $start))
                (local.set $allow_len (local.get $len))))
            (local.set $in_resource
              (i32.and (i32.ge_u (local.get $depth) (i32.const 4))
                (i32.and (call $key_is (i32.const 1) (i32.const 0) (i32.const 9))
                         (call $key_is (i32.const 3) (i32.const 16) (i32.const 6)))))
            ;; resources[i].object.kind == "Service"
            (if (i32.and (i32.and (local.get $in_resource) (i32.eq (local.get $depth) (i32.const 4)))
                  (i32.and (call $key_is (i32.const 4) (i32.const 32) (i32.const 4))
                           (call $eq (local.get $start) (local.get $len) (i32.const 48) (i32.const 7))))
              (then (local.set $flags (i32.or (local.get $flags) (i32.const 1)))))
            (if (i32.and (local.get $in_resource) (i32.eq (local.get $depth) (i32.const 5)))
              (then
                ;; resources[i].object.spec.type == "LoadBalancer"
                (if (i32.and
                      (i32.and (call $key_is (i32.const 4) (i32.const 64) (i32.const 4))
                               (call $key_is (i32.const 5) (i32.const 80) (i32.const 4)))
                      (call $eq (local.get $start) (local.get $len) (i32.const 96) (i32.const 12)))
                  (then (local.set $flags (i32.or (local.get $flags) (i32.const 2)))))
                ;; resources[i].object.metadata.namespace
                (if (i32.and (call $key_is (i32.const 4) (i32.const 112) (i32.const 8))
                             (call $key_is (i32.const 5) (i32.const 128) (i32.const 9)))
                  (then
                    (local.set $ns_ptr (local.get $start))
                    (local.set $ns_len (local.get $len))))))
            (br $scan)))
        ;; Anything else (whitespace, `:`, numbers, true, false, null) carries no
        ;; structure: skip it.
        (br $scan)))

    ;; Write the findings: candidates outside the allowed namespace. No namespace
    ;; means `default`.
    (global.set $out (i32.add (local.get $table) (i32.mul (local.get $count) (i32.const 12))))
    (local.set $start (global.get $out))
    (call $put (i32.const 192) (i32.const 13))
    (local.set $j (i32.const 0))
    (block $written
      (loop $each
        (br_if $written (i32.ge_u (local.get $k) (local.get $count)))
        (local.set $row (i32.add (local.get $table) (i32.mul (local.get $k) (i32.const 12))))
        (local.set $ns_ptr (i32.load offset=4 (local.get $row)))
        (local.set $ns_len (i32.load offset=8 (local.get $row)))
        (if (i32.eq (local.get $ns_len) (i32.const -1))
          (then
            (local.set $ns_ptr (i32.const 176))
            (local.set $ns_len (i32.const 7))))
        (if (i32.eqz (call $eq (local.get $ns_ptr) (local.get $ns_len) (local.get $allow_ptr) (local.get $allow_len)))
          (then
            (if (local.get $j) (then (call $put (i32.const 416) (i32.const 1))))
            (local.set $j (i32.const 1))
            (call $put (i32.const 224) (i32.const 43))
            (call $put_u32 (i32.load (local.get $row)))
            (call $put (i32.const 288) (i32.const 84))
            (call $put (local.get $allow_ptr) (local.get $allow_len))
            (call $put (i32.const 432) (i32.const 184))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $each)))
    (call $put (i32.const 400) (i32.const 2))
    (call $pack (local.get $start) (i32.sub (global.get $out) (local.get $start))))
)
