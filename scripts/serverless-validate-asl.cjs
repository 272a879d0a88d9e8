// A local osls plugin (serverless.yml `plugins`) that validates each state machine's definition with
// asl-validator when the hub is packaged, in place of serverless-step-functions' `validate: true`.
//
// That option hands asl-validator the very object the plugin then serializes into DefinitionString,
// and asl-validator writes `QueryLanguage` into every state that has none (validator.js, before its
// checks). The deployed definition would then differ from statemachine/*.asl.json, and CloudFormation
// linting rejects QueryLanguage on Succeed states (cfn-lint E3601). Here asl-validator gets a copy.
// CommonJS because osls loads plugins with require().
const aslValidator = require('asl-validator');

/**
 * Throws, naming the state machine and every problem, when a definition is not valid ASL. The
 * definitions are left untouched. `stateMachines` is serverless.yml's `stepFunctions.stateMachines`.
 */
function validateStateMachines(stateMachines, ErrorClass = Error) {
  for (const [name, { definition }] of Object.entries(stateMachines ?? {})) {
    if (definition === undefined) continue;
    const { isValid, errorsText } = aslValidator(structuredClone(definition));
    if (!isValid) {
      throw new ErrorClass(`State machine "${name}" definition is invalid:\n${errorsText('\n')}`);
    }
  }
}

class ValidateAslPlugin {
  constructor(serverless) {
    // serverless-step-functions reads stepFunctions in package:initialize and compiles the state
    // machines in package:compileFunctions: validating just before fails the package as it did.
    this.hooks = {
      'before:package:compileFunctions': () =>
        validateStateMachines(serverless.service.stepFunctions?.stateMachines, serverless.classes.Error),
    };
  }
}

module.exports = ValidateAslPlugin;
module.exports.validateStateMachines = validateStateMachines;
