/*
 * image-pull: a kubecheck rule plugin written in C (ABI v1, docs/plugin-abi.md).
 *
 * Rule `image-pull/cached-mutable-tag`: a container whose image is referenced by a tag
 * other than `latest`, without a digest, and whose `imagePullPolicy` is not `Always`.
 *
 * No libc: the module is built with `clang --target=wasm32 -nostdlib` and imports
 * nothing. The input is read in place by a small validating JSON scanner (recursion
 * bounded by MAX_DEPTH); every string echoed in a message is decoded and re-escaped.
 */

#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint32_t u32;

/* The host's objects are at most 100 levels deep, plus 3 levels of the input document. */
#define MAX_DEPTH 128
/* Longest value (image, name, policy) quoted in a message, in bytes: the host refuses
 * messages over 4,096 bytes, and a value escapes to at most 6 bytes per byte. */
#define MAX_QUOTED 160
#define PAGE 65536u

/* ---- memory: a bump allocator that never frees (the instance lives for one call) ---- */

extern u8 __heap_base;
static u32 heap_top = (u32)(uintptr_t)&__heap_base;

/* Traps when the memory cannot grow: the host reports `memory limit`. */
static u8 *bump(u32 len) {
    u32 start = heap_top;
    if (len > UINT32_MAX - start) {
        __builtin_trap();
    }
    u32 end = start + len;
    u32 have = (u32)__builtin_wasm_memory_size(0) * PAGE;
    if (end > have) {
        u32 missing = end - have;
        u32 pages = missing / PAGE + (missing % PAGE != 0);
        if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) {
            __builtin_trap();
        }
    }
    heap_top = end;
    return (u8 *)(uintptr_t)start;
}

u8 *kubecheck_alloc(u32 len) { return bump(len); }

int32_t kubecheck_abi_version(void) { return 1; }

static int64_t document(const u8 *ptr, u32 len) {
    return (int64_t)(((uint64_t)(uintptr_t)ptr << 32) | len);
}

#define CONST_DOCUMENT(text) document((const u8 *)(text), sizeof(text) - 1)

int64_t kubecheck_metadata(void) {
    return CONST_DOCUMENT(
        "{\"name\":\"image-pull\",\"version\":\"0.1.0\",\"rules\":[{"
        "\"id\":\"cached-mutable-tag\","
        "\"title\":\"Mutable image tag without `imagePullPolicy: Always`\","
        "\"category\":\"patching\","
        "\"severity\":\"medium\","
        "\"description\":\"Flags containers (init and ephemeral ones too) whose image is "
        "referenced by a tag other than `latest`, without a digest, and whose "
        "`imagePullPolicy` is not `Always` (for such a tag it defaults to `IfNotPresent`). "
        "A node then keeps running whatever it first pulled under that tag: a re-pushed "
        "tag (a patched base image) never reaches it, two nodes can run different code "
        "for one manifest, and any pod on the node can start a private image cached "
        "there without pull credentials. Untagged and `latest` images default to "
        "`Always`; kubecheck's `latest-image-tag` rule covers them.\","
        "\"remediation\":\"Pin the image by digest (`image@sha256:...`), or set "
        "`imagePullPolicy: Always`.\"}]}");
}

/* ---- output: appended at the top of the heap, so nothing else may be allocated while
 * it is written ---- */

static u8 *out_start;
static u32 out_len;

static void out_bytes(const u8 *bytes, u32 len) {
    u8 *to = bump(len);
    for (u32 i = 0; i < len; i++) {
        to[i] = bytes[i];
    }
    out_len += len;
}

static u32 c_strlen(const char *s) {
    u32 n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

static void out_text(const char *text) { out_bytes((const u8 *)text, c_strlen(text)); }

static void out_uint(u32 value) {
    u8 digits[10];
    u32 n = 0;
    do {
        digits[sizeof digits - 1 - n] = (u8)('0' + value % 10);
        value /= 10;
        n++;
    } while (value != 0);
    out_bytes(digits + sizeof digits - n, n);
}

/* Writes valid UTF-8 `bytes` as the inside of a JSON string. */
static void out_escaped(const u8 *bytes, u32 len) {
    static const char hex[] = "0123456789abcdef";
    for (u32 i = 0; i < len; i++) {
        u8 c = bytes[i];
        if (c == '"' || c == '\\') {
            u8 pair[2] = {'\\', c};
            out_bytes(pair, 2);
        } else if (c < 0x20) {
            u8 escape[6] = {'\\', 'u', '0', '0', (u8)hex[c >> 4], (u8)hex[c & 15]};
            out_bytes(escape, 6);
        } else {
            out_bytes(&c, 1);
        }
    }
}

/* A value in a message, cut at a character boundary if it is long. */
static void out_value(const u8 *bytes, u32 len) {
    if (len <= MAX_QUOTED) {
        out_escaped(bytes, len);
        return;
    }
    u32 cut = MAX_QUOTED;
    while (cut > 0 && (bytes[cut] & 0xC0) == 0x80) {
        cut--;
    }
    out_escaped(bytes, cut);
    out_text("\xE2\x80\xA6"); /* U+2026 HORIZONTAL ELLIPSIS */
}

/* ---- JSON scanning over the input, in place ---- */

static const u8 *skip_ws(const u8 *p, const u8 *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
        p++;
    }
    return p;
}

static int is_digit(u8 c) { return c >= '0' && c <= '9'; }

static int hex_value(u8 c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The four hex digits at p (p + 4 <= end), or -1. */
static int32_t hex4(const u8 *p) {
    int32_t value = 0;
    for (int i = 0; i < 4; i++) {
        int digit = hex_value(p[i]);
        if (digit < 0) return -1;
        value = value * 16 + digit;
    }
    return value;
}

/* Length of the well-formed UTF-8 sequence at p (a byte >= 0x80), or 0. */
static u32 utf8_sequence(const u8 *p, const u8 *end) {
    u8 c = p[0];
    u32 len;
    u32 min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, min = 0x10000;
    } else {
        return 0;
    }
    if ((u32)(end - p) < len) return 0;
    u32 code = c & (0x7F >> len);
    for (u32 i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        code = (code << 6) | (p[i] & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
    return len;
}

/* p is at the opening quote; returns the position after the closing one, or NULL. */
static const u8 *skip_string(const u8 *p, const u8 *end) {
    p++;
    while (p < end) {
        u8 c = *p;
        if (c == '"') {
            return p + 1;
        } else if (c == '\\') {
            if (end - p < 2) return NULL;
            u8 e = p[1];
            if (e == 'u') {
                if (end - p < 6 || hex4(p + 2) < 0) return NULL;
                p += 6;
            } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' ||
                       e == 'n' || e == 'r' || e == 't') {
                p += 2;
            } else {
                return NULL;
            }
        } else if (c < 0x20) {
            return NULL;
        } else if (c < 0x80) {
            p++;
        } else {
            u32 len = utf8_sequence(p, end);
            if (len == 0) return NULL;
            p += len;
        }
    }
    return NULL;
}

static const u8 *skip_digits(const u8 *p, const u8 *end) {
    if (p >= end || !is_digit(*p)) return NULL;
    while (p < end && is_digit(*p)) p++;
    return p;
}

static const u8 *skip_number(const u8 *p, const u8 *end) {
    if (p < end && *p == '-') p++;
    if (p < end && *p == '0') {
        p++;
    } else {
        p = skip_digits(p, end);
        if (p == NULL) return NULL;
    }
    if (p < end && *p == '.') {
        p = skip_digits(p + 1, end);
        if (p == NULL) return NULL;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        p = skip_digits(p, end);
    }
    return p;
}

static const u8 *skip_literal(const u8 *p, const u8 *end, const char *word) {
    for (; *word != '\0'; word++, p++) {
        if (p >= end || *p != (u8)*word) return NULL;
    }
    return p;
}

/* Set when skip_value refused a value for its depth alone. */
static int too_deep;

/* Validates the value at p (no leading whitespace) and returns the position after it,
 * or NULL when it is not JSON or nests deeper than MAX_DEPTH. */
static const u8 *skip_value(const u8 *p, const u8 *end, u32 depth) {
    if (p >= end) return NULL;
    switch (*p) {
    case '"':
        return skip_string(p, end);
    case 't':
        return skip_literal(p, end, "true");
    case 'f':
        return skip_literal(p, end, "false");
    case 'n':
        return skip_literal(p, end, "null");
    case '{':
    case '[': {
        if (depth >= MAX_DEPTH) {
            too_deep = 1;
            return NULL;
        }
        u8 close = *p == '{' ? '}' : ']';
        int is_object = *p == '{';
        p = skip_ws(p + 1, end);
        if (p < end && *p == close) return p + 1;
        for (;;) {
            if (is_object) {
                if (p >= end || *p != '"') return NULL;
                p = skip_string(p, end);
                if (p == NULL) return NULL;
                p = skip_ws(p, end);
                if (p >= end || *p != ':') return NULL;
                p = skip_ws(p + 1, end);
            }
            p = skip_value(p, end, depth + 1);
            if (p == NULL) return NULL;
            p = skip_ws(p, end);
            if (p >= end) return NULL;
            if (*p == close) return p + 1;
            if (*p != ',') return NULL;
            p = skip_ws(p + 1, end);
        }
    }
    default:
        return skip_number(p, end);
    }
}

/* The scanning below runs on input that skip_value has accepted as a whole. */

static const u8 *input_end;

/* Decodes the JSON string at p (at its opening quote) into `to`, which holds at least as
 * many bytes as the string's source; returns the decoded length. Lone surrogates become
 * U+FFFD, so the result is valid UTF-8. */
static u32 decode_string(const u8 *p, u8 *to) {
    u32 n = 0;
    p++;
    while (p < input_end && *p != '"') {
        if (*p != '\\') {
            to[n++] = *p++;
            continue;
        }
        u8 e = p[1];
        p += 2;
        if (e != 'u') {
            to[n++] = e == 'b' ? '\b' : e == 'f' ? '\f' : e == 'n' ? '\n' : e == 'r' ? '\r'
                    : e == 't' ? '\t' : e;
            continue;
        }
        u32 code = (u32)hex4(p);
        p += 4;
        if (code >= 0xD800 && code <= 0xDBFF && input_end - p >= 6 && p[0] == '\\' &&
            p[1] == 'u') {
            int32_t low = hex4(p + 2);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                code = 0x10000 + ((code - 0xD800) << 10) + ((u32)low - 0xDC00);
                p += 6;
            }
        }
        if (code >= 0xD800 && code <= 0xDFFF) code = 0xFFFD;
        /* At most 4 bytes from at least 6 source bytes: `to` stays large enough. */
        if (code < 0x80) {
            to[n++] = (u8)code;
        } else if (code < 0x800) {
            to[n++] = (u8)(0xC0 | code >> 6);
            to[n++] = (u8)(0x80 | (code & 0x3F));
        } else if (code < 0x10000) {
            to[n++] = (u8)(0xE0 | code >> 12);
            to[n++] = (u8)(0x80 | ((code >> 6) & 0x3F));
            to[n++] = (u8)(0x80 | (code & 0x3F));
        } else {
            to[n++] = (u8)(0xF0 | code >> 18);
            to[n++] = (u8)(0x80 | ((code >> 12) & 0x3F));
            to[n++] = (u8)(0x80 | ((code >> 6) & 0x3F));
            to[n++] = (u8)(0x80 | (code & 0x3F));
        }
    }
    return n;
}

/* Whether the JSON string at p decodes to `text` (short keys and kinds only). */
static int string_equals(const u8 *p, const char *text) {
    u8 buffer[32];
    const u8 *after = skip_string(p, input_end);
    if (after == NULL || (u32)(after - p) > sizeof buffer) return 0;
    u32 len = decode_string(p, buffer);
    u32 want = c_strlen(text);
    if (len != want) return 0;
    for (u32 i = 0; i < len; i++) {
        if (buffer[i] != (u8)text[i]) return 0;
    }
    return 1;
}

/* The value of member `key` of the object at p, or NULL (also when p is no object). */
static const u8 *member(const u8 *p, const char *key) {
    if (p == NULL || p >= input_end || *p != '{') return NULL;
    p = skip_ws(p + 1, input_end);
    while (p != NULL && p < input_end && *p == '"') {
        const u8 *name = p;
        p = skip_string(p, input_end);
        if (p == NULL) return NULL;
        p = skip_ws(skip_ws(p, input_end) + 1, input_end); /* past the colon */
        if (string_equals(name, key)) return p;
        p = skip_value(p, input_end, 0);
        if (p == NULL) return NULL;
        p = skip_ws(p, input_end);
        if (p < input_end && *p == ',') p = skip_ws(p + 1, input_end);
    }
    return NULL;
}

/* First element of the array at p, or NULL (also when p is no array). */
static const u8 *first_element(const u8 *p) {
    if (p == NULL || p >= input_end || *p != '[') return NULL;
    p = skip_ws(p + 1, input_end);
    return p < input_end && *p != ']' ? p : NULL;
}

/* The element after the one at p, or NULL. */
static const u8 *next_element(const u8 *p) {
    p = skip_value(p, input_end, 0);
    if (p == NULL) return NULL;
    p = skip_ws(p, input_end);
    if (p >= input_end || *p != ',') return NULL;
    return skip_ws(p + 1, input_end);
}

static int is_string(const u8 *p) { return p != NULL && p < input_end && *p == '"'; }

/* ---- the rule ---- */

/* Where the pod spec is in each workload kind: kubecheck's `POD_SPEC_PATHS`, which the
 * Rust SDK's `pod_template` uses too. */
static const struct {
    const char *kind;
    const char *pointer;
} POD_SPEC_PATHS[] = {
    {"Pod", "/spec"},
    {"Deployment", "/spec/template/spec"},
    {"StatefulSet", "/spec/template/spec"},
    {"DaemonSet", "/spec/template/spec"},
    {"ReplicaSet", "/spec/template/spec"},
    {"ReplicationController", "/spec/template/spec"},
    {"Job", "/spec/template/spec"},
    {"CronJob", "/spec/jobTemplate/spec/template/spec"},
    {"PodTemplate", "/template/spec"},
};

/* Custom resources that embed a pod template (Argo Rollouts, ...). */
static const char *const EMBEDDED_POD_SPEC_PATHS[] = {
    "/spec/template/spec",
    "/spec/jobTemplate/spec/template/spec",
};

static const struct {
    const char *field;
    const char *noun;
} CONTAINER_LISTS[] = {
    {"containers", "container"},
    {"initContainers", "init container"},
    {"ephemeralContainers", "ephemeral container"},
};

/* The value at a JSON pointer made of plain keys (no escapes, no indices). */
static const u8 *at_pointer(const u8 *object, const char *pointer) {
    char key[32];
    while (object != NULL && *pointer == '/') {
        u32 n = 0;
        for (pointer++; *pointer != '\0' && *pointer != '/' && n < sizeof key - 1; pointer++) {
            key[n++] = *pointer;
        }
        key[n] = '\0';
        object = member(object, key);
    }
    return object;
}

static const char *pod_spec_pointer(const u8 *object) {
    const u8 *kind = member(object, "kind");
    for (u32 i = 0; i < sizeof POD_SPEC_PATHS / sizeof POD_SPEC_PATHS[0]; i++) {
        if (is_string(kind) && string_equals(kind, POD_SPEC_PATHS[i].kind)) {
            return POD_SPEC_PATHS[i].pointer;
        }
    }
    for (u32 i = 0; i < sizeof EMBEDDED_POD_SPEC_PATHS / sizeof EMBEDDED_POD_SPEC_PATHS[0]; i++) {
        const u8 *spec = at_pointer(object, EMBEDDED_POD_SPEC_PATHS[i]);
        if (first_element(member(spec, "containers")) != NULL) {
            return EMBEDDED_POD_SPEC_PATHS[i];
        }
    }
    return NULL;
}

/* Whether `image` names a tag other than `latest` and no digest. */
static int is_mutable_tag(const u8 *image, u32 len) {
    u32 tag = 0; /* where the tag starts, after the last colon past the last slash */
    for (u32 i = 0; i < len; i++) {
        if (image[i] == '@') return 0;
        if (image[i] == '/') tag = 0;
        if (image[i] == ':') tag = i + 1;
    }
    if (tag == 0 || tag == len) return 0;
    static const char latest[] = "latest";
    if (len - tag != sizeof latest - 1) return 1;
    for (u32 i = 0; i < sizeof latest - 1; i++) {
        if (image[tag + i] != (u8)latest[i]) return 1;
    }
    return 0;
}

static int findings_written;

static void check_container(const u8 *resource_id, u32 resource_id_len, const char *spec_pointer,
                            u32 list, u32 index, const u8 *container, u8 *scratch) {
    const u8 *image = member(container, "image");
    const u8 *policy = member(container, "imagePullPolicy");
    const u8 *name = member(container, "name");
    if (!is_string(image) || (policy != NULL && !is_string(policy))) return;
    if (policy != NULL && string_equals(policy, "Always")) return;
    u32 image_len = decode_string(image, scratch);
    if (!is_mutable_tag(scratch, image_len)) return;

    out_text(findings_written++ ? ",{" : "{");
    out_text("\"rule\":\"cached-mutable-tag\",\"resource\":");
    out_bytes(resource_id, resource_id_len);
    out_text(",\"path\":\"");
    out_text(spec_pointer);
    out_text("/");
    out_text(CONTAINER_LISTS[list].field);
    out_text("/");
    out_uint(index);
    out_text(policy != NULL ? "/imagePullPolicy" : "/image");
    out_text("\",\"message\":\"");
    out_text(CONTAINER_LISTS[list].noun);
    out_text(" ");
    if (is_string(name)) {
        u8 *decoded_name = scratch + image_len;
        out_text("`");
        out_value(decoded_name, decode_string(name, decoded_name));
        out_text("`");
    } else {
        out_text("#");
        out_uint(index);
    }
    out_text(" uses the mutable tag `");
    out_value(scratch, image_len);
    if (policy != NULL) {
        out_text("` with `imagePullPolicy: ");
        u8 *decoded_policy = scratch + image_len;
        out_value(decoded_policy, decode_string(policy, decoded_policy));
        out_text("`\"}");
    } else {
        out_text("` with the default `imagePullPolicy: IfNotPresent`\"}");
    }
}

static void check_resource(const u8 *resource, u8 *scratch) {
    const u8 *id = member(resource, "id");
    const u8 *id_end = id;
    while (id_end != NULL && id_end < input_end && is_digit(*id_end)) id_end++;
    u32 id_len = id == NULL ? 0 : (u32)(id_end - id);
    int is_index = id_len > 0 && id_len <= 10 &&
                   (id_end == input_end || (*id_end != '.' && *id_end != 'e' && *id_end != 'E'));
    if (!is_index) return; /* nothing to report against */

    const u8 *object = member(resource, "object");
    const char *spec_pointer = pod_spec_pointer(object);
    if (spec_pointer == NULL) return;
    const u8 *spec = at_pointer(object, spec_pointer);
    for (u32 list = 0; list < sizeof CONTAINER_LISTS / sizeof CONTAINER_LISTS[0]; list++) {
        u32 index = 0;
        for (const u8 *c = first_element(member(spec, CONTAINER_LISTS[list].field)); c != NULL;
             c = next_element(c), index++) {
            check_container(id, id_len, spec_pointer, list, index, c, scratch);
        }
    }
}

int64_t kubecheck_check(const u8 *ptr, u32 len) {
    const u8 *end = ptr + len;
    const u8 *root = skip_ws(ptr, end);
    const u8 *after = skip_value(root, end, 0);
    if (too_deep) {
        return CONST_DOCUMENT("{\"error\":\"the input nests deeper than 128 levels\"}");
    }
    if (after == NULL || skip_ws(after, end) != end) {
        return CONST_DOCUMENT("{\"error\":\"the input is not valid JSON\"}");
    }
    input_end = end;
    const u8 *resources = member(root, "resources");
    if (resources == NULL || *resources != '[') {
        return CONST_DOCUMENT("{\"error\":\"the input has no `resources` list\"}");
    }
    /* Decoded strings are never longer than their source, so the input's length is
     * enough scratch space for the strings of one container. */
    u8 *scratch = bump(len);
    out_start = bump(0);
    out_text("{\"findings\":[");
    for (const u8 *r = first_element(resources); r != NULL; r = next_element(r)) {
        check_resource(r, scratch);
    }
    out_text("]}");
    return document(out_start, out_len);
}
