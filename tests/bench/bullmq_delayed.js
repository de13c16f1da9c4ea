// Helper of tests/bench/reminders.sh (Node.js; bullmq and ioredis from npm, NODE_PATH set by the script).
//   bench REDIS_SOCK N [WORKERS CONCURRENCY]: BullMQ's side. N delayed jobs all due at one moment,
//     WORKERS processes x CONCURRENCY with an empty processor; prints one "bullmq k=v ..." line.
//   watch REDIS_SOCK STREAM_KEY FROM_SEQ N OUT: ut-notifyd's side. Samples the job stream's
//     last-generated-id (ids are "<epoch>-<queue_seq>") every ~2 ms and writes "t_ms seq" whenever
//     it moved, until seq >= FROM_SEQ + N; so each queue_seq gets the time it reached the stream
//     (to the sampling step) without reading the jobs themselves.
'use strict';
const { fork } = require('child_process');
const fs = require('fs');

const [mode, sock, ...rest] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted, p) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
const PREFIX = 'bmq'; // BullMQ's keys stay apart from the node's "ut:" keys on the same Redis
const QUEUE = 'reminders';

function conn(extra) {
	return Object.assign({ path: sock, maxRetriesPerRequest: null, enableOfflineQueue: true }, extra || {});
}

async function worker(concurrency) {
	const { Worker } = require('bullmq');
	const w = new Worker(QUEUE, async () => {}, { connection: conn(), prefix: PREFIX, concurrency });
	await w.waitUntilReady();
	process.send('ready');
	process.on('message', async (m) => {
		if (m === 'stop') {
			await w.close();
			process.exit(0);
		}
	});
}

async function bench(n, nworkers, concurrency) {
	const { Queue } = require('bullmq');
	const Redis = require('ioredis');
	const q = new Queue(QUEUE, { connection: conn(), prefix: PREFIX });
	await q.waitUntilReady();
	await q.obliterate({ force: true });
	const r = new Redis(conn());
	const CHUNK = 1000;
	const add = async (queue, count, due, tag) => {
		for (let i = 0; i < count; i += CHUNK) {
			const jobs = [];
			const now = Date.now();
			for (let j = i; j < Math.min(count, i + CHUNK); j++)
				jobs.push({ name: 'reminder', data: { i: j }, opts: { jobId: tag + j, delay: due - now } });
			await queue.addBulk(jobs);
		}
	};
	// The due moment must come after the last job is added: the enqueue rate of this (shared,
	// noisy) machine is measured on a throw-away queue first, and twice that time is allowed.
	const cq = new Queue(QUEUE + '-calibrate', { connection: conn(), prefix: PREFIX });
	const cn = Math.min(n, 3000), c0 = Date.now();
	await add(cq, cn, c0 + 3600000, 'c');
	const perJob = (Date.now() - c0) / cn;
	await cq.obliterate({ force: true });
	await cq.close();
	const due = Date.now() + 2000 + Math.ceil(2 * n * perJob);
	const t0 = Date.now();
	await add(q, n, due, 'r');
	const enqMs = Date.now() - t0;
	if (Date.now() > due - 500)
		throw new Error(`enqueue of ${n} jobs took ${enqMs} ms, past the due moment: raise the lead`);
	const kids = [];
	for (let k = 0; k < nworkers; k++) {
		const c = fork(__filename, ['worker', sock, String(concurrency)], { stdio: 'inherit' });
		kids.push(new Promise((res) => c.once('message', () => res(c))));
	}
	const children = await Promise.all(kids);
	await sleep(Math.max(0, due - Date.now()));
	const key = `${PREFIX}:${QUEUE}:completed`;
	const deadline = Date.now() + 600000;
	let done = 0;
	while ((done = await r.zcard(key)) < n && Date.now() < deadline)
		await sleep(20);
	const seen = Date.now();
	for (const c of children)
		c.send('stop');
	// Per job: due = timestamp + delay (what BullMQ itself schedules by), picked = processedOn. The
	// delay is read from opts: BullMQ 5 zeroes the hash's "delay" field when it promotes the job.
	const late = [], fin = [];
	let maxPicked = 0, maxFin = 0, minPicked = Infinity, failed = 0;
	for (let i = 0; i < n; i += 5000) {
		const p = r.pipeline();
		for (let j = i; j < Math.min(n, i + 5000); j++)
			p.hmget(`${PREFIX}:${QUEUE}:r${j}`, 'timestamp', 'opts', 'processedOn', 'finishedOn');
		for (const [err, v] of await p.exec()) {
			if (err || !v[2] || !v[3]) {
				failed++;
				continue;
			}
			const jdue = +v[0] + JSON.parse(v[1]).delay;
			late.push(+v[2] - jdue);
			fin.push(+v[3] - jdue);
			maxPicked = Math.max(maxPicked, +v[2] - due);
			minPicked = Math.min(minPicked, +v[2] - due);
			maxFin = Math.max(maxFin, +v[3] - due);
		}
	}
	late.sort((a, b) => a - b);
	fin.sort((a, b) => a - b);
	console.log(
		`bullmq n=${n} done=${done} missing=${failed} enqueue_ms=${enqMs} first_ms=${minPicked} ` +
			`all_picked_ms=${maxPicked} all_done_ms=${maxFin} p50_ms=${pct(late, 0.5)} p99_ms=${pct(late, 0.99)} ` +
			`max_ms=${late[late.length - 1]} done_p50_ms=${pct(fin, 0.5)} done_p99_ms=${pct(fin, 0.99)} ` +
			`waited_ms=${seen - due}`
	);
	await q.obliterate({ force: true });
	await q.close();
	r.disconnect();
	if (done < n)
		process.exitCode = 1;
}

async function watch(key, fromSeq, n, out) {
	const Redis = require('ioredis');
	const r = new Redis(conn());
	// XINFO STREAM in RESP2 is a flat list of name, value pairs.
	r.defineCommand('lastid', {
		numberOfKeys: 1,
		lua: "if redis.call('EXISTS', KEYS[1]) == 0 then return '0-0' end\n" +
			"local x = redis.call('XINFO', 'STREAM', KEYS[1])\n" +
			"for i = 1, #x, 2 do if x[i] == 'last-generated-id' then return x[i + 1] end end\n" +
			"return '0-0'",
	});
	const lines = [];
	const target = fromSeq + n, deadline = Date.now() + 900000;
	let last = -1;
	fs.writeFileSync(out + '.ready', '');
	while (last < target && Date.now() < deadline) {
		const id = await r.lastid(key);
		const t = Date.now();
		const seq = +id.split('-')[1];
		if (seq !== last) {
			lines.push(`${t} ${seq}`);
			last = seq;
		}
		await sleep(2);
	}
	fs.writeFileSync(out, lines.join('\n') + '\n');
	r.disconnect();
	if (last < target)
		process.exitCode = 1;
}

(async () => {
	if (mode === 'worker')
		await worker(+rest[0]);
	else if (mode === 'bench')
		await bench(+rest[0], +(rest[1] || 2), +(rest[2] || 50));
	else if (mode === 'watch')
		await watch(rest[0], +rest[1], +rest[2], rest[3]);
	else {
		console.error('usage: bullmq_delayed.js bench SOCK N [WORKERS CONCURRENCY] | watch SOCK KEY FROM_SEQ N OUT');
		process.exit(2);
	}
})().catch((e) => {
	console.error(`bullmq_delayed.js: ${e.stack || e}`);
	process.exit(1);
});
