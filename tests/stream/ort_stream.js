// Closed-loop ONNX Runtime reference for a streaming model: runs STEPS calls,
// feeding each state output back as the paired input of the next call (graph
// optimizations disabled, as the compiler's reference).
// usage: node ort_stream.js JOB.json
//   JOB.json: {"model", "steps", "outdir",
//              "inputs": [{"name", "type", "dims", "file"}],  // file: all steps, concatenated
//              "states": [{"output", "input"}]}               // inputs fed from outputs (zeros at step 0)
// writes outdir/in_K.bin (what each input was fed, all steps) and outdir/out_K.bin.
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const ARRAYS = {
  float32: Float32Array, int8: Int8Array, uint8: Uint8Array, int32: Int32Array,
  int64: BigInt64Array, bool: Uint8Array,
};

(async () => {
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const sess = await ort.InferenceSession.create(job.model, {
    executionProviders: ['cpu'], graphOptimizationLevel: 'disabled',
    intraOpNumThreads: 1, interOpNumThreads: 1,
  });
  const stateOf = {};
  for (const s of job.states || []) stateOf[s.input] = s.output;
  const per = job.inputs.map(inp => inp.dims.reduce((a, b) => a * b, 1));
  const data = job.inputs.map(inp => {
    if (stateOf[inp.name]) return null;
    const buf = fs.readFileSync(inp.file);
    return new ARRAYS[inp.type](buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  });
  const fedAll = job.inputs.map(() => []);
  const outAll = sess.outputNames.map(() => []);
  let prev = null;
  for (let s = 0; s < job.steps; ++s) {
    const feeds = {};
    job.inputs.forEach((inp, k) => {
      const A = ARRAYS[inp.type];
      let v;
      if (stateOf[inp.name]) v = prev ? prev[stateOf[inp.name]].data : new A(per[k]);
      else v = data[k].slice(s * per[k], (s + 1) * per[k]);
      feeds[inp.name] = new ort.Tensor(inp.type === 'bool' ? 'bool' : inp.type, v, inp.dims);
      fedAll[k].push(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    });
    prev = await sess.run(feeds);
    sess.outputNames.forEach((name, i) => {
      const d = prev[name].data;
      outAll[i].push(Buffer.from(d.buffer, d.byteOffset, d.byteLength));
    });
  }
  fs.mkdirSync(job.outdir, { recursive: true });
  fedAll.forEach((b, k) => fs.writeFileSync(path.join(job.outdir, `in_${k}.bin`), Buffer.concat(b)));
  outAll.forEach((b, k) => fs.writeFileSync(path.join(job.outdir, `out_${k}.bin`), Buffer.concat(b)));
  process.stdout.write(JSON.stringify({ outputs: sess.outputNames }));
})().catch(e => { console.error(e); process.exit(1); });
