import * as fs from 'fs';
import { simulateWebIdentity, WebIdentityRequest } from './oracle';

// The pinned IAM simulator for the binding suites: reads `{ "policy": ..., "requests": [...] }` on
// stdin (each request as `simulateWebIdentity` takes it) and prints the decisions as a JSON list.
const input: { policy: unknown; requests: WebIdentityRequest[] } = JSON.parse(fs.readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(input.requests.map(request => simulateWebIdentity(input.policy, request))));
