/* A child's snapshot rows in the compact form the parent stores, one blob per child: each label once,
 * then the rows as varints, sorted by key (year, the four labels, month) with repeated keys summed,
 * so equal figures give equal bytes, two snapshots compare by one ordered walk, and a group's months
 * come together. */
#include "reportd.h"
#include "ut/err.h"

#include <stdlib.h>
#include <string.h>

/* Version byte of the blob: a different layout gets a different byte. */
#define SROWS_V1 1

static int label_cmp(const char *a, const char *b) { return a == b ? 0 : strcmp(a, b); }

int rp_srow_group_cmp(const rp_srow_t *a, const rp_srow_t *b)
{
	int c;
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	if ((c = label_cmp(a->category, b->category)) || (c = label_cmp(a->format, b->format)) ||
	    (c = label_cmp(a->unit_kind, b->unit_kind)))
		return c;
	return label_cmp(a->metric, b->metric);
}

int rp_srow_cmp(const rp_srow_t *a, const rp_srow_t *b)
{
	int c = rp_srow_group_cmp(a, b);
	return c ? c : a->month < b->month ? -1 : a->month > b->month;
}

/* Within one set the labels' places decide: they are in strcmp order. */
static int srow_qcmp(const void *pa, const void *pb)
{
	const rp_srow_t *a = pa, *b = pb;
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	for (int i = 0; i < 4; i++)
		if (a->ix[i] != b->ix[i])
			return a->ix[i] < b->ix[i] ? -1 : 1;
	return a->month < b->month ? -1 : a->month > b->month;
}

static uint64_t fnv_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 1099511628211ULL;
	return h;
}

static uint64_t key_hash(const rp_srow_t *r, uint64_t seed)
{
	uint64_t h = fnv_bytes(seed, &r->year, sizeof r->year);
	const char *l[4] = {r->category, r->format, r->unit_kind, r->metric};
	for (int i = 0; i < 4; i++)
		h = fnv_bytes(h, l[i], strlen(l[i]) + 1); /* the NUL keeps "ab"+"c" apart from "a"+"bc" */
	return h;
}

uint64_t rp_srow_hash(const rp_srow_t *r) { return key_hash(r, 1469598103934665603ULL); }
uint64_t rp_srow_check(const rp_srow_t *r) { return key_hash(r, 0x9e3779b97f4a7c15ULL); }

void rp_srows_clear(rp_srows_t *r)
{
	free(r->v);
	free(r->lab);
	free(r->text);
	memset(r, 0, sizeof *r);
}

static const char **label_ptr(rp_srow_t *r, int i)
{
	return i == 0 ? &r->category : i == 1 ? &r->format : i == 2 ? &r->unit_kind : &r->metric;
}

typedef struct label {
	const char *s;
	uint32_t id;
} label_t;

static int label_qcmp(const void *a, const void *b) { return strcmp(((const label_t *)a)->s, ((const label_t *)b)->s); }

/* The distinct labels of the rows, each once (a hash set: a snapshot repeats a few labels hundreds of
 * times); row label places are ids in order of first sight. */
static int label_set(rp_srows_t *r, label_t *u, size_t *nu)
{
	size_t cap = 16;
	while (cap < 8 * r->n)
		cap <<= 1;
	uint32_t *slot = malloc(cap * sizeof *slot); /* id + 1, 0 = free */
	if (!slot)
		return UT_ENOMEM;
	memset(slot, 0, cap * sizeof *slot);
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		for (int k = 0; k < 4; k++) {
			const char *s = *label_ptr(&r->v[i], k);
			size_t h = (size_t)fnv_bytes(1469598103934665603ULL, s, strlen(s)) & (cap - 1);
			while (slot[h] && strcmp(u[slot[h] - 1].s, s))
				h = (h + 1) & (cap - 1);
			if (!slot[h]) {
				u[n] = (label_t){s, (uint32_t)n};
				slot[h] = (uint32_t)++n;
			}
			r->v[i].ix[k] = slot[h] - 1;
		}
	free(slot);
	*nu = n;
	return 0;
}

/* Give the rows' labels their places in the sorted table of distinct labels (r->lab). */
static int intern(rp_srows_t *r)
{
	label_t *u = malloc((4 * r->n + 1) * sizeof *u);
	uint32_t *rank = malloc((4 * r->n + 1) * sizeof *rank);
	size_t n = 0;
	int rc = u && rank ? label_set(r, u, &n) : UT_ENOMEM;
	if (!rc && !(r->lab = malloc((n + 1) * sizeof *r->lab)))
		rc = UT_ENOMEM;
	if (!rc) {
		qsort(u, n, sizeof *u, label_qcmp);
		for (size_t i = 0; i < n; i++) {
			rank[u[i].id] = (uint32_t)i;
			r->lab[i] = u[i].s;
		}
		r->nlab = n;
		for (size_t i = 0; i < r->n; i++)
			for (int k = 0; k < 4; k++) {
				r->v[i].ix[k] = rank[r->v[i].ix[k]];
				*label_ptr(&r->v[i], k) = r->lab[r->v[i].ix[k]];
			}
	}
	free(u);
	free(rank);
	return rc;
}

int rp_srows_canon(rp_srows_t *r)
{
	free(r->lab);
	r->lab = NULL;
	r->nlab = 0;
	int rc = intern(r);
	if (rc)
		return rc;
	qsort(r->v, r->n, sizeof *r->v, srow_qcmp);
	size_t k = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (k && !srow_qcmp(&r->v[k - 1], &r->v[i])) {
			if (__builtin_add_overflow(r->v[k - 1].value, r->v[i].value, &r->v[k - 1].value))
				return UT_EINVAL;
		} else
			r->v[k++] = r->v[i];
	}
	r->n = k;
	return 0;
}

int rp_srows_of(const Ut__Snapshot *sn, rp_srows_t *out)
{
	memset(out, 0, sizeof *out);
	if (!(out->v = malloc((sn->n_rows + 1) * sizeof *out->v)))
		return UT_ENOMEM;
	for (size_t i = 0; i < sn->n_rows; i++) {
		const Ut__SnapshotRow *s = sn->rows[i];
		out->v[i] = (rp_srow_t){s->year, s->month, s->category, s->format, s->unit_kind, s->metric, s->value, {0}};
	}
	out->n = sn->n_rows;
	return rp_srows_canon(out);
}

size_t rp_srows_groups(const rp_srows_t *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += !i || rp_srow_group_cmp(&r->v[i - 1], &r->v[i]);
	return n;
}

/* ---- packing ---- */

static uint8_t *put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static uint64_t zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static int64_t unzigzag(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

int rp_srows_pack(const rp_srows_t *r, uint8_t **blob, size_t *len)
{
	size_t cap = 32 + r->n * 70;
	for (size_t i = 0; i < r->nlab; i++)
		cap += 10 + strlen(r->lab[i]);
	uint8_t *b = malloc(cap), *p = b;
	if (!b)
		return UT_ENOMEM;
	*p++ = SROWS_V1;
	p = put_varint(p, r->nlab);
	for (size_t i = 0; i < r->nlab; i++) {
		size_t n = strlen(r->lab[i]);
		p = put_varint(p, n);
		memcpy(p, r->lab[i], n);
		p += n;
	}
	p = put_varint(p, r->n);
	for (size_t i = 0; i < r->n; i++) {
		const rp_srow_t *w = &r->v[i];
		p = put_varint(p, zigzag(w->year));
		p = put_varint(p, zigzag(w->month));
		for (int k = 0; k < 4; k++)
			p = put_varint(p, w->ix[k]);
		p = put_varint(p, zigzag(w->value));
	}
	*blob = b;
	*len = (size_t)(p - b);
	return 0;
}

/* ---- unpacking ---- */

typedef struct reader {
	const uint8_t *p, *end;
	int bad;
} reader_t;

static uint64_t get_varint(reader_t *r)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end)
			break;
		uint8_t c = *r->p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	r->bad = 1;
	return 0;
}

/* The label table into one buffer of NUL-ended strings; lab[i] points at label i. */
static int get_labels(reader_t *r, rp_srows_t *out)
{
	uint64_t n = get_varint(r);
	if (r->bad || n > (uint64_t)(r->end - r->p))
		return UT_EINVAL;
	size_t room = (size_t)(r->end - r->p) + (size_t)n; /* every label's bytes and its NUL */
	out->text = malloc(room ? room : 1);
	out->lab = malloc((n ? n : 1) * sizeof *out->lab);
	if (!out->text || !out->lab)
		return UT_ENOMEM;
	char *t = out->text;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t len = get_varint(r);
		if (r->bad || len > (uint64_t)(r->end - r->p))
			return UT_EINVAL;
		memcpy(t, r->p, (size_t)len);
		t[len] = '\0';
		out->lab[i] = t;
		t += len + 1;
		r->p += len;
	}
	out->nlab = (size_t)n;
	return 0;
}

static int get_row(reader_t *r, const char **lab, size_t nl, rp_srow_t *w)
{
	int64_t y = unzigzag(get_varint(r)), m = unzigzag(get_varint(r));
	uint64_t ix[4];
	for (int i = 0; i < 4; i++)
		if ((ix[i] = get_varint(r)) >= nl)
			return UT_EINVAL;
	int64_t v = unzigzag(get_varint(r));
	if (r->bad || y < INT32_MIN || y > INT32_MAX || m < INT32_MIN || m > INT32_MAX)
		return UT_EINVAL;
	*w = (rp_srow_t){(int32_t)y, (int32_t)m, lab[ix[0]], lab[ix[1]], lab[ix[2]], lab[ix[3]], v,
			 {(uint32_t)ix[0], (uint32_t)ix[1], (uint32_t)ix[2], (uint32_t)ix[3]}};
	return 0;
}

int rp_srows_unpack(const void *blob, size_t len, rp_srows_t *out)
{
	memset(out, 0, sizeof *out);
	if (!blob || !len)
		return 0;
	reader_t r = {blob, (const uint8_t *)blob + len, 0};
	int rc = *r.p++ == SROWS_V1 ? get_labels(&r, out) : UT_EINVAL;
	uint64_t n = rc ? 0 : get_varint(&r);
	if (!rc && (r.bad || n > (uint64_t)(r.end - r.p) / 7)) /* a row takes 7 bytes at least */
		rc = UT_EINVAL;
	if (!rc && n && !(out->v = malloc((size_t)n * sizeof *out->v)))
		rc = UT_ENOMEM;
	for (uint64_t i = 0; !rc && i < n; i++)
		rc = get_row(&r, out->lab, out->nlab, &out->v[i]);
	if (!rc && r.p != r.end)
		rc = UT_EINVAL;
	if (rc)
		rp_srows_clear(out);
	else
		out->n = (size_t)n;
	return rc;
}

/* ---- difference ---- */

int rp_srows_diff(const rp_srows_t *old, const rp_srows_t *cur, rp_delta_fn fn, void *arg)
{
	size_t i = 0, j = 0;
	int rc = 0;
	while (!rc && (i < old->n || j < cur->n)) {
		int c = i == old->n ? 1 : j == cur->n ? -1 : rp_srow_cmp(&old->v[i], &cur->v[j]);
		int64_t d;
		if (c < 0) { /* gone */
			if (__builtin_sub_overflow((int64_t)0, old->v[i].value, &d))
				return UT_EINVAL;
			rc = d ? fn(arg, &old->v[i], d) : 0;
			i++;
		} else if (c > 0) { /* new */
			rc = cur->v[j].value ? fn(arg, &cur->v[j], cur->v[j].value) : 0;
			j++;
		} else {
			if (__builtin_sub_overflow(cur->v[j].value, old->v[i].value, &d))
				return UT_EINVAL;
			rc = d ? fn(arg, &cur->v[j], d) : 0;
			i++, j++;
		}
	}
	return rc;
}
