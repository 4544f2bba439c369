// client.js drives the gateway's EPCIS 2.0 REST binding with GS1 France's epcis2.js, the way an
// outside platform would. Used by TestE2EEPCISRoundTrip; every document is read from stdin and
// every answer printed as one JSON line.
//
//   node client.js validate            stdin: EPCISDocument or EPCISQueryDocument
//   node client.js hash                stdin: EPCISDocument → the CBV 2.0 hash ID of each event
//   node client.js capture URL KEY     stdin: EPCISDocument → POST {URL}/capture, poll the job
//   node client.js get URL KEY PATH    GET {URL}{PATH}, validating the EPCIS document it returns
'use strict';
const epcis = require('epcis2.js');

function readStdin() {
  return JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
}

// validate throws with the schema's complaint; an EPCISQueryDocument is checked through the
// events it carries, since the library validates capture documents.
function validate(doc) {
  if (doc.type === 'EPCISQueryDocument') {
    const events = doc.epcisBody.queryResults.resultsBody.eventList;
    epcis.validateEpcisDocument({
      '@context': doc['@context'], type: 'EPCISDocument', schemaVersion: doc.schemaVersion,
      creationDate: doc.creationDate, epcisBody: { eventList: events },
    });
    return events.length;
  }
  epcis.validateEpcisDocument(doc);
  return doc.epcisBody.eventList.length;
}

async function main() {
  const [cmd, url, key, path] = process.argv.slice(2);
  switch (cmd) {
    case 'validate':
      return { valid: true, events: validate(readStdin()) };
    case 'hash':
    {
      const doc = readStdin();
      // the hash names extension fields by namespace: the prefixes the document's @context defines
      const ns = Object.assign({}, ...[].concat(doc['@context'] || []).filter((c) => typeof c === 'object'));
      return { ids: doc.epcisBody.eventList.map((e) => epcis.eventToHashedId(e, ns)) };
    }
    case 'capture': {
      const doc = readStdin();
      validate(doc);
      epcis.setup({ apiUrl: url, headers: { Authorization: `Bearer ${key}`, 'content-type': 'application/ld+json' } });
      const sent = new epcis.EPCISDocument(doc);
      const res = await epcis.capture(sent);
      if (res.status !== 202) {
        return { status: res.status, problem: await res.json(), sent: sent.toObject() };
      }
      const job = new epcis.CaptureResponse(res);
      await job.pollForTheCaptureToFinish(50, 200);
      return { status: res.status, location: job.getLocation(), running: job.getRunningStatus(),
        success: job.getSuccessStatus(), errors: job.getErrors(), sent: sent.toObject() };
    }
    case 'get': {
      const res = await fetch(url + path, { headers: { Authorization: `Bearer ${key}` } });
      const body = await res.json();
      const out = { status: res.status, body, next: res.headers.get('link') };
      if (res.status === 200 && body.type) {
        out.events = validate(body);
      }
      return out;
    }
  }
  throw new Error(`unknown command ${cmd}`);
}

main().then(
  (out) => process.stdout.write(JSON.stringify(out) + '\n'),
  (err) => {
    process.stdout.write(JSON.stringify({ error: String(err && err.message ? err.message : err) }) + '\n');
    process.exit(1);
  },
);
