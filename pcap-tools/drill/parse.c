/*
 * parse.c - the script parser of gsctp-drill.
 *
 * Scripts are free-form as in packetdrill: newlines are white space, so an
 * event may continue over several lines, and a new event starts where the
 * previous one ends (with its time).  `//` and C comments are skipped.
 * Lines starting with `--` are options (--tolerance_usecs=N, ...).
 *
 * Arguments of packets and system calls are parsed into generic value
 * trees (drill.h); their meaning is given by wire.c and run.c, which is
 * also where unknown names get their "unsupported: ..." messages.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drill.h"

enum {
  TK_EOF = 256,
  TK_NUM,
  TK_IDENT,
  TK_STR,
  TK_ADDR,
  TK_ELLIPSIS,
  TK_OPTION,
  TK_SHELL
};

typedef struct lexer {
  const char *base;
  const char *p;
  int line;
  int tok;
  char text[4096];
  int tline;
  char *err;
  size_t errlen;
  int failed;
} lexer;

static void lex_error(lexer *lx, int line, const char *fmt, ...) {
  va_list ap;
  int n;

  if (lx->failed) {
    return;
  }
  lx->failed = 1;
  n = snprintf(lx->err, lx->errlen, "line %d: ", line);
  if (n < 0 || (size_t)n >= lx->errlen) {
    return;
  }
  va_start(ap, fmt);
  vsnprintf(lx->err + n, lx->errlen - (size_t)n, fmt, ap);
  va_end(ap);
}

static void skip_space(lexer *lx) {
  for (;;) {
    if (*lx->p == '\n') {
      lx->line++;
      lx->p++;
    } else if (isspace((unsigned char)*lx->p)) {
      lx->p++;
    } else if (lx->p[0] == '/' && lx->p[1] == '/') {
      while (*lx->p != '\0' && *lx->p != '\n') {
        lx->p++;
      }
    } else if (lx->p[0] == '/' && lx->p[1] == '*') {
      lx->p += 2;
      while (*lx->p != '\0' && !(lx->p[0] == '*' && lx->p[1] == '/')) {
        if (*lx->p == '\n') {
          lx->line++;
        }
        lx->p++;
      }
      if (*lx->p != '\0') {
        lx->p += 2;
      }
    } else {
      return;
    }
  }
}

static int is_hexc(int c) {
  return isxdigit(c) || c == ':' || c == '.';
}

/* Does an IPv6 literal start here?  (a run of hex digits, dots and at
 * least two colons) */
static int ipv6_here(const char *p) {
  int colons = 0;
  const char *q = p;

  while (is_hexc((unsigned char)*q)) {
    if (*q == ':') {
      colons++;
    }
    q++;
  }
  return colons >= 2 && (isalnum((unsigned char)*q) == 0) && *q != '_';
}

static void copy_text(lexer *lx, const char *b, size_t n) {
  if (n >= sizeof(lx->text)) {
    n = sizeof(lx->text) - 1;
  }
  memcpy(lx->text, b, n);
  lx->text[n] = '\0';
}

static void next(lexer *lx) {
  const char *b;
  int at_line_start;

  skip_space(lx);
  lx->tline = lx->line;
  b = lx->p;
  /* an option line: "--name=value" first on its line */
  at_line_start = 1;
  {
    const char *q = b;
    while (q > lx->base && q[-1] != '\n') {
      if (!isspace((unsigned char)q[-1])) {
        at_line_start = 0;
        break;
      }
      q--;
    }
  }
  if (*b == '\0') {
    lx->tok = TK_EOF;
    lx->text[0] = '\0';
    return;
  }
  if (at_line_start && b[0] == '-' && b[1] == '-') {
    while (*lx->p != '\0' && *lx->p != '\n') {
      lx->p++;
    }
    copy_text(lx, b + 2, (size_t)(lx->p - b - 2));
    /* trim trailing blanks */
    {
      size_t n = strlen(lx->text);
      while (n > 0 && isspace((unsigned char)lx->text[n - 1])) {
        lx->text[--n] = '\0';
      }
    }
    lx->tok = TK_OPTION;
    return;
  }
  if (b[0] == '.' && b[1] == '.' && b[2] == '.') {
    lx->p += 3;
    lx->tok = TK_ELLIPSIS;
    strcpy(lx->text, "...");
    return;
  }
  if (*b == '`') {
    lx->p++;
    while (*lx->p != '\0' && *lx->p != '`') {
      if (*lx->p == '\n') {
        lx->line++;
      }
      lx->p++;
    }
    copy_text(lx, b + 1, (size_t)(lx->p - b - 1));
    if (*lx->p == '`') {
      lx->p++;
    }
    lx->tok = TK_SHELL;
    return;
  }
  if (*b == '"') {
    lx->p++;
    while (*lx->p != '\0' && *lx->p != '"' && *lx->p != '\n') {
      lx->p++;
    }
    if (*lx->p != '"') {
      lex_error(lx, lx->tline, "unterminated string");
      lx->tok = TK_EOF;
      return;
    }
    copy_text(lx, b + 1, (size_t)(lx->p - b - 1));
    lx->p++;
    lx->tok = TK_STR;
    return;
  }
  if (ipv6_here(b)) {
    while (is_hexc((unsigned char)*lx->p)) {
      lx->p++;
    }
    copy_text(lx, b, (size_t)(lx->p - b));
    lx->tok = TK_ADDR;
    return;
  }
  if (isdigit((unsigned char)*b)) {
    int dots = 0;
    while (isalnum((unsigned char)*lx->p) ||
           (*lx->p == '.' && lx->p[1] != '.')) {
      if (*lx->p == '.') {
        dots++;
      }
      lx->p++;
    }
    copy_text(lx, b, (size_t)(lx->p - b));
    lx->tok = dots >= 2 ? TK_ADDR : TK_NUM;
    return;
  }
  if (strncmp(b, "I-DATA", 6) == 0 && !isalnum((unsigned char)b[6]) &&
      b[6] != '_') {
    /* nplab packetdrill spells the I-DATA chunk with a hyphen */
    lx->p += 6;
    strcpy(lx->text, "I_DATA");
    lx->tok = TK_IDENT;
    return;
  }
  if (b[0] == '%' && b[1] == '{') {
    lex_error(lx, lx->tline, "unsupported: %%{ code }%% snippet");
    lx->tok = TK_EOF;
    return;
  }
  if (isalpha((unsigned char)*b) || *b == '_') {
    while (isalnum((unsigned char)*lx->p) || *lx->p == '_') {
      lx->p++;
    }
    copy_text(lx, b, (size_t)(lx->p - b));
    lx->tok = TK_IDENT;
    return;
  }
  lx->p++;
  lx->text[0] = *b;
  lx->text[1] = '\0';
  lx->tok = (unsigned char)*b;
}

/* ---- values ---- */

static val *vnew(vkind k, int line) {
  val *v = calloc(1, sizeof(*v));

  if (v == NULL) {
    fprintf(stderr, "gsctp-drill: out of memory\n");
    exit(3);
  }
  v->kind = k;
  v->line = line;
  return v;
}

static char *xstrdup(const char *s) {
  char *d = strdup(s);

  if (d == NULL) {
    fprintf(stderr, "gsctp-drill: out of memory\n");
    exit(3);
  }
  return d;
}

static void vpush(val *v, val *item) {
  val **n = realloc(v->items, (v->n + 1) * sizeof(*n));

  if (n == NULL) {
    fprintf(stderr, "gsctp-drill: out of memory\n");
    exit(3);
  }
  v->items = n;
  v->items[v->n++] = item;
}

void val_free(val *v) {
  size_t i;

  if (v == NULL) {
    return;
  }
  for (i = 0; i < v->n; ++i) {
    val_free(v->items[i]);
  }
  free(v->items);
  free(v->text);
  free(v);
}

const val *val_field(const val *v, const char *name) {
  size_t i;

  if (v == NULL) {
    return NULL;
  }
  for (i = 0; i < v->n; ++i) {
    if (v->items[i]->kind == V_FIELD && strcmp(v->items[i]->text, name) == 0) {
      return v->items[i]->items[0];
    }
  }
  return NULL;
}

static void app(char *buf, size_t len, const char *s) {
  size_t n = strlen(buf);

  if (n + 1 < len) {
    snprintf(buf + n, len - n, "%s", s);
  }
}

static void fmt_items(const val *v, char *buf, size_t len, const char *sep) {
  size_t i;
  char tmp[1024];

  for (i = 0; i < v->n; ++i) {
    if (i > 0) {
      app(buf, len, sep);
    }
    tmp[0] = '\0';
    val_format(v->items[i], tmp, sizeof(tmp));
    app(buf, len, tmp);
  }
}

void val_format(const val *v, char *buf, size_t len) {
  if (len == 0) {
    return;
  }
  if (v == NULL) {
    app(buf, len, "(none)");
    return;
  }
  switch (v->kind) {
  case V_NUM: {
    char t[64];
    snprintf(t, sizeof(t), "%s%s", v->neg ? "-" : "", v->text);
    app(buf, len, t);
    break;
  }
  case V_ELLIPSIS:
    app(buf, len, "...");
    break;
  case V_IDENT:
  case V_ADDR:
    app(buf, len, v->text);
    break;
  case V_STR:
    app(buf, len, "\"");
    app(buf, len, v->text);
    app(buf, len, "\"");
    break;
  case V_LIST:
    app(buf, len, "[");
    fmt_items(v, buf, len, ", ");
    app(buf, len, "]");
    break;
  case V_NAMED:
    app(buf, len, v->text);
    app(buf, len, "[");
    fmt_items(v, buf, len, ", ");
    app(buf, len, "]");
    break;
  case V_STRUCT:
    app(buf, len, "{");
    fmt_items(v, buf, len, ", ");
    app(buf, len, "}");
    break;
  case V_FIELD:
    app(buf, len, v->text);
    app(buf, len, "=");
    fmt_items(v, buf, len, "");
    break;
  case V_OR:
    fmt_items(v, buf, len, "|");
    break;
  case V_PAIR:
    fmt_items(v, buf, len, ":");
    break;
  }
}

static val *parse_value(lexer *lx);
static int parse_text(script *s, const char *path, const char *text, char *err,
                      size_t errlen);

static int expect(lexer *lx, int tok, const char *what) {
  if (lx->tok != tok) {
    lex_error(lx, lx->tline, "expected %s, found '%s'", what,
              lx->tok == TK_EOF ? "end of file" : lx->text);
    return -1;
  }
  next(lx);
  return 0;
}

/* items until |close|, separated by commas */
static void parse_items(lexer *lx, val *into, int close) {
  if (lx->tok == close) {
    next(lx);
    return;
  }
  for (;;) {
    val *it = parse_value(lx);
    if (it == NULL) {
      return;
    }
    vpush(into, it);
    if (lx->tok == ',') {
      next(lx);
      continue;
    }
    if (lx->tok == close) {
      next(lx);
      return;
    }
    lex_error(lx, lx->tline, "expected ',' or '%c', found '%s'", close,
              lx->tok == TK_EOF ? "end of file" : lx->text);
    return;
  }
}

static val *parse_term(lexer *lx) {
  val *v = NULL;
  int line = lx->tline;

  if (lx->failed) {
    return NULL;
  }
  switch (lx->tok) {
  case TK_ELLIPSIS:
    v = vnew(V_ELLIPSIS, line);
    next(lx);
    return v;
  case TK_STR:
    v = vnew(V_STR, line);
    v->text = xstrdup(lx->text);
    next(lx);
    return v;
  case TK_ADDR:
    v = vnew(V_ADDR, line);
    v->text = xstrdup(lx->text);
    next(lx);
    return v;
  case '-':
  case TK_NUM: {
    int neg = 0;
    char *end;
    if (lx->tok == '-') {
      neg = 1;
      next(lx);
      if (lx->tok != TK_NUM) {
        lex_error(lx, line, "expected a number after '-'");
        return NULL;
      }
    }
    v = vnew(V_NUM, line);
    v->neg = neg;
    v->text = xstrdup(lx->text);
    errno = 0;
    v->num = strtoull(lx->text, &end, 0);
    if (errno != 0 || *end != '\0') {
      lex_error(lx, line, "bad number '%s'", lx->text);
      val_free(v);
      return NULL;
    }
    next(lx);
    return v;
  }
  case TK_IDENT: {
    char name[256];
    snprintf(name, sizeof(name), "%.255s", lx->text);
    next(lx);
    if (lx->tok == '=') {
      val *f;
      next(lx);
      v = vnew(V_FIELD, line);
      v->text = xstrdup(name);
      f = parse_value(lx);
      if (f == NULL) {
        val_free(v);
        return NULL;
      }
      vpush(v, f);
      return v;
    }
    if (lx->tok == '[') {
      next(lx);
      v = vnew(V_NAMED, line);
      v->text = xstrdup(name);
      parse_items(lx, v, ']');
      return v;
    }
    if (lx->tok == '(') { /* htons(8080), inet_addr("1.2.3.4"), ... */
      next(lx);
      v = vnew(V_NAMED, line);
      v->text = xstrdup(name);
      parse_items(lx, v, ')');
      return v;
    }
    if (lx->tok == '{') { /* record literal: name{...} */
      next(lx);
      v = vnew(V_NAMED, line);
      v->text = xstrdup(name);
      parse_items(lx, v, '}');
      return v;
    }
    v = vnew(V_IDENT, line);
    v->text = xstrdup(name);
    return v;
  }
  case '[':
    next(lx);
    v = vnew(V_LIST, line);
    parse_items(lx, v, ']');
    return v;
  case '{':
    next(lx);
    v = vnew(V_STRUCT, line);
    parse_items(lx, v, '}');
    return v;
  default:
    lex_error(lx, line, "unexpected '%s'",
              lx->tok == TK_EOF ? "end of file" : lx->text);
    return NULL;
  }
}

static val *parse_value(lexer *lx) {
  val *v = parse_term(lx);

  if (v == NULL) {
    return NULL;
  }
  if (lx->tok == ':' && v->kind == V_NUM) {
    val *p = vnew(V_PAIR, v->line), *b;
    vpush(p, v);
    next(lx);
    b = parse_term(lx);
    if (b == NULL) {
      val_free(p);
      return NULL;
    }
    vpush(p, b);
    return p;
  }
  if (lx->tok == '|') {
    val *o = vnew(V_OR, v->line);
    vpush(o, v);
    while (lx->tok == '|') {
      val *b;
      next(lx);
      b = parse_term(lx);
      if (b == NULL) {
        val_free(o);
        return NULL;
      }
      vpush(o, b);
    }
    return o;
  }
  return v;
}

/* ---- events ---- */

static int parse_time_num(lexer *lx, int64_t *pus) {
  char *end;
  double d;

  if (lx->tok != TK_NUM) {
    lex_error(lx, lx->tline, "expected a time, found '%s'",
              lx->tok == TK_EOF ? "end of file" : lx->text);
    return -1;
  }
  d = strtod(lx->text, &end);
  if (*end != '\0' || d < 0 || d > 1e6) {
    lex_error(lx, lx->tline, "bad time '%s'", lx->text);
    return -1;
  }
  *pus = (int64_t)(d * 1e6 + 0.5);
  next(lx);
  return 0;
}

static int parse_time(lexer *lx, event *e) {
  int rel = 0;

  if (lx->tok == '*') {
    e->tk = TM_ANY;
    next(lx);
    return 0;
  }
  if (lx->tok == '+') {
    rel = 1;
    next(lx);
  }
  if (parse_time_num(lx, &e->t1_us) != 0) {
    return -1;
  }
  e->tk = rel ? TM_REL : TM_ABS;
  if (lx->tok == TK_ELLIPSIS) { /* start...end of a blocking call */
    int rel2 = 0;
    next(lx);
    if (lx->tok == '+') {
      rel2 = 1;
      next(lx);
    }
    if (rel != rel2) {
      lex_error(lx, lx->tline,
                "a blocking call's times must be both "
                "absolute or both relative");
      return -1;
    }
    if (parse_time_num(lx, &e->t2_us) != 0) {
      return -1;
    }
    if (e->t2_us < e->t1_us) {
      lex_error(lx, lx->tline,
                "a blocking call cannot return before it "
                "starts");
      return -1;
    }
    e->tk = rel ? TM_RBLOCK : TM_BLOCK;
    return 0;
  }
  if (lx->tok == '~') {
    int rel2 = 0;
    next(lx);
    if (lx->tok == '+') {
      rel2 = 1;
      next(lx);
    }
    if (rel != rel2) {
      lex_error(lx, lx->tline,
                "a time range needs both ends absolute or "
                "both relative");
      return -1;
    }
    if (parse_time_num(lx, &e->t2_us) != 0) {
      return -1;
    }
    if (e->t2_us < e->t1_us) {
      lex_error(lx, lx->tline, "time range ends before it starts");
      return -1;
    }
    e->tk = rel ? TM_RRANGE : TM_RANGE;
  }
  return 0;
}

static int parse_packet(lexer *lx, event *e) {
  /* optional explicit addresses: < A > B sctp: */
  if (lx->tok == TK_ADDR) {
    e->has_addrs = 1;
    next(lx);
    if (lx->tok == ':') { /* address:port */
      next(lx);
      next(lx);
    }
    if (lx->tok != '>') {
      lex_error(lx, lx->tline, "expected '>' between the addresses");
      return -1;
    }
    next(lx);
    if (lx->tok != TK_ADDR) {
      lex_error(lx, lx->tline, "expected the destination address");
      return -1;
    }
    next(lx);
    if (lx->tok == ':') {
      next(lx);
      next(lx);
    }
  }
  if (lx->tok != TK_IDENT || strcmp(lx->text, "sctp") != 0) {
    lex_error(lx, lx->tline,
              "unsupported: packet of protocol '%s' "
              "(only sctp)",
              lx->text);
    return -1;
  }
  next(lx);
  e->opts = vnew(V_LIST, lx->tline);
  if (lx->tok == '(') {
    next(lx);
    parse_items(lx, e->opts, ')');
  }
  if (expect(lx, ':', "':' after sctp") != 0) {
    return -1;
  }
  if (lx->tok == '[') {
    next(lx);
    e->raw = vnew(V_LIST, lx->tline);
    parse_items(lx, e->raw, ']');
    return lx->failed ? -1 : 0;
  }
  e->chunks = vnew(V_LIST, lx->tline);
  for (;;) {
    val *c = parse_term(lx);
    if (c == NULL) {
      return -1;
    }
    if (c->kind == V_ELLIPSIS) {
      /* "; ..." at the end: any further chunks (outbound only) */
      vpush(e->chunks, c);
      if (lx->tok == ';') {
        lex_error(lx, c->line, "'...' must be the last chunk");
        return -1;
      }
      break;
    }
    if (c->kind != V_NAMED) {
      char t[256] = "";
      val_format(c, t, sizeof(t));
      lex_error(lx, c->line, "expected a chunk NAME[...], found '%s'", t);
      val_free(c);
      return -1;
    }
    vpush(e->chunks, c);
    if (lx->tok != ';') {
      break;
    }
    next(lx);
  }
  return 0;
}

static void skip_comment_parens(lexer *lx) {
  /* "(Operation now in progress)": free text up to the matching ')' */
  int depth = 1;
  const char *q = lx->p;

  while (*q != '\0' && depth > 0) {
    if (*q == '(') {
      depth++;
    } else if (*q == ')') {
      depth--;
    } else if (*q == '\n') {
      lx->line++;
    }
    q++;
  }
  lx->p = q;
  next(lx);
}

static int parse_syscall(lexer *lx, event *e) {
  e->name = xstrdup(lx->text);
  next(lx);
  if (expect(lx, '(', "'(' after the call name") != 0) {
    return -1;
  }
  e->args = vnew(V_LIST, lx->tline);
  parse_items(lx, e->args, ')');
  if (lx->failed) {
    return -1;
  }
  if (expect(lx, '=', "'= result'") != 0) {
    return -1;
  }
  e->result = parse_value(lx);
  if (e->result == NULL) {
    return -1;
  }
  if (lx->tok == TK_IDENT) {
    e->errname = xstrdup(lx->text);
    next(lx);
  }
  if (lx->tok == '(') {
    skip_comment_parens(lx);
  }
  return 0;
}

static int parse_option(script *s, lexer *lx) {
  char name[128], *eq, *end;
  const char *value;

  snprintf(name, sizeof(name), "%.127s", lx->text);
  eq = strchr(name, '=');
  value = eq != NULL ? eq + 1 : "";
  if (eq != NULL) {
    *eq = '\0';
  }
  if (strcmp(name, "tolerance_usecs") == 0) {
    s->tolerance_usecs = strtoll(value, &end, 10);
    if (*end != '\0' || s->tolerance_usecs < 0) {
      goto bad;
    }
  } else if (strcmp(name, "tolerance_percent") == 0) {
    s->tolerance_percent = strtod(value, &end);
    if (*end != '\0' || s->tolerance_percent < 0) {
      goto bad;
    }
  } else if (strcmp(name, "remote_port") == 0 ||
             strcmp(name, "local_port") == 0) {
    long v = strtol(value, &end, 10);
    if (*end != '\0' || v < 1 || v > 65535) {
      goto bad;
    }
    if (name[0] == 'r') {
      s->remote_port = (int)v;
    } else {
      s->local_port = (int)v;
    }
  } else if (strcmp(name, "max_wait") == 0) {
    double d = strtod(value, &end);
    if (*end != '\0' || d <= 0 || d > 3600) {
      goto bad;
    }
    s->max_wait_us = (int64_t)(d * 1e6);
  } else if (strcmp(name, "xfail") == 0) {
    free(s->xfail);
    s->xfail = xstrdup(*value != '\0' ? value : "expected failure");
    if (s->xfail[0] == '"') {
      size_t n = strlen(s->xfail);
      memmove(s->xfail, s->xfail + 1, n);
      if (n >= 2 && s->xfail[n - 2] == '"') {
        s->xfail[n - 2] = '\0';
      }
    }
  } else {
    lex_error(lx, lx->tline, "unsupported: option --%s", name);
    return -1;
  }
  next(lx);
  return 0;
bad:
  lex_error(lx, lx->tline, "bad value '%s' for --%s", value, name);
  return -1;
}

/* ---- #ifdef NAME ... #endif (nplab packetdrill's platform blocks) ---- */

static const char *g_defines[16] = {"gsctp"};
static size_t g_ndefines = 1;

int script_define(const char *name) {
  if (g_ndefines >= sizeof(g_defines) / sizeof(g_defines[0])) {
    return -1;
  }
  g_defines[g_ndefines++] = name;
  return 0;
}

static int defined(const char *name, size_t len) {
  size_t i;

  for (i = 0; i < g_ndefines; ++i) {
    if (strlen(g_defines[i]) == len &&
        strncasecmp(g_defines[i], name, len) == 0) {
      return 1;
    }
  }
  return 0;
}

/* Blanks out (keeping newlines, so line numbers stay) the #ifdef blocks of
 * names not defined, and the #ifdef / #endif lines themselves.  Returns 0
 * or -1 with a message. */
static int preprocess(char *t, char *err, size_t errlen) {
  char *p = t, *blk = NULL;
  int line = 1, open_line = 0, keep = 1;

  while (*p != '\0') {
    char *ls = p, *q = p;
    while (*q == ' ' || *q == '\t') {
      q++;
    }
    if (strncmp(q, "#ifdef", 6) == 0 && (q[6] == ' ' || q[6] == '\t')) {
      char *n = q + 7;
      size_t nl;
      if (blk != NULL) {
        snprintf(err, errlen, "line %d: #ifdef inside #ifdef (line %d)", line,
                 open_line);
        return -1;
      }
      while (*n == ' ' || *n == '\t') {
        n++;
      }
      nl = strcspn(n, " \t\r\n");
      keep = defined(n, nl);
      blk = ls;
      open_line = line;
      while (*p != '\0' && *p != '\n') {
        *p++ = ' ';
      }
    } else if (strncmp(q, "#endif", 6) == 0) {
      if (blk == NULL) {
        snprintf(err, errlen, "line %d: #endif without #ifdef", line);
        return -1;
      }
      blk = NULL;
      keep = 1;
      while (*p != '\0' && *p != '\n') {
        *p++ = ' ';
      }
    } else {
      while (*p != '\0' && *p != '\n') {
        if (!keep) {
          *p = ' ';
        }
        p++;
      }
    }
    if (*p == '\n') {
      p++;
      line++;
    }
  }
  if (blk != NULL) {
    snprintf(err, errlen, "line %d: #ifdef without #endif", open_line);
    return -1;
  }
  return 0;
}

int script_parse(script *s, const char *path, const char *text, char *err,
                 size_t errlen) {
  char *pre;
  int rv;

  pre = xstrdup(text);
  if (preprocess(pre, err, errlen) != 0) {
    memset(s, 0, sizeof(*s));
    s->path = xstrdup(path);
    free(pre);
    return -1;
  }
  rv = parse_text(s, path, pre, err, errlen);
  free(pre);
  return rv;
}

static int parse_text(script *s, const char *path, const char *text, char *err,
                      size_t errlen) {
  lexer lx;

  memset(s, 0, sizeof(*s));
  s->path = xstrdup(path);
  s->tolerance_usecs = 4000;
  s->tolerance_percent = 12.5;
  s->remote_port = 8080;
  s->local_port = 8080;
  s->max_wait_us = 120 * 1000000LL;
  memset(&lx, 0, sizeof(lx));
  lx.base = text;
  lx.p = text;
  lx.line = 1;
  lx.err = err;
  lx.errlen = errlen;
  err[0] = '\0';
  next(&lx);
  while (!lx.failed && lx.tok != TK_EOF) {
    event *e, *nev;
    if (lx.tok == TK_OPTION) {
      if (s->nev > 0) {
        lex_error(&lx, lx.tline, "options must come before the first event");
        break;
      }
      if (parse_option(s, &lx) != 0) {
        break;
      }
      continue;
    }
    nev = realloc(s->ev, (s->nev + 1) * sizeof(*nev));
    if (nev == NULL) {
      lex_error(&lx, lx.tline, "out of memory");
      break;
    }
    s->ev = nev;
    e = &s->ev[s->nev++];
    memset(e, 0, sizeof(*e));
    e->line = lx.tline;
    if (parse_time(&lx, e) != 0) {
      break;
    }
    if (lx.tok == '<' || lx.tok == '>') {
      e->kind = lx.tok == '<' ? EV_IN : EV_OUT;
      next(&lx);
      if (parse_packet(&lx, e) != 0) {
        break;
      }
      if (e->kind == EV_IN &&
          (e->tk == TM_ANY || e->tk == TM_RANGE || e->tk == TM_RRANGE)) {
        lex_error(&lx, e->line,
                  "'*' and time ranges are only allowed for "
                  "outbound packets");
        break;
      }
      if (e->tk == TM_BLOCK || e->tk == TM_RBLOCK) {
        lex_error(&lx, e->line,
                  "start...end times are only allowed for system calls");
        break;
      }
    } else if (lx.tok == TK_IDENT) {
      e->kind = EV_SYSCALL;
      if (parse_syscall(&lx, e) != 0) {
        break;
      }
      if (e->tk != TM_ABS && e->tk != TM_REL && e->tk != TM_BLOCK &&
          e->tk != TM_RBLOCK) {
        lex_error(&lx, e->line,
                  "'*' and time ranges are only allowed for "
                  "outbound packets");
        break;
      }
    } else if (lx.tok == TK_SHELL) {
      if (e->tk != TM_ABS && e->tk != TM_REL) {
        lex_error(&lx, e->line, "a shell command takes a plain time");
        break;
      }
      e->kind = EV_SHELL;
      e->shell = xstrdup(lx.text);
      next(&lx);
    } else {
      lex_error(&lx, lx.tline,
                "expected '<', '>', a system call or `command` after the "
                "time, found '%s'",
                lx.tok == TK_EOF ? "end of file" : lx.text);
      break;
    }
  }
  if (lx.failed) {
    return -1;
  }
  return 0;
}

void script_free(script *s) {
  size_t i;

  for (i = 0; i < s->nev; ++i) {
    event *e = &s->ev[i];
    val_free(e->opts);
    val_free(e->chunks);
    val_free(e->raw);
    free(e->name);
    val_free(e->args);
    val_free(e->result);
    free(e->errname);
    free(e->shell);
  }
  free(s->ev);
  free(s->path);
  free(s->xfail);
  memset(s, 0, sizeof(*s));
}
