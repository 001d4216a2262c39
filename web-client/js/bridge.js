// The client's ES modules, handed to the classic scripts (app.js and the views loaded beside it) as one
// read-only object until those scripts are modules themselves (#15). Loaded as a module by index.html.
import * as identifiers from './identifiers.js';
import * as errors from './errors.js';

window.ClientModules = Object.freeze({ identifiers, errors });
