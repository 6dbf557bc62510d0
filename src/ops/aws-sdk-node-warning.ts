/**
 * The AWS SDK warns, once per process and on every Node below 22, that its releases after the
 * first week of January 2027 will need Node 22 (`NodeVersionSupportWarning`, through
 * process.emitWarning when a client is made). snapplan supports Node 20.19 and later and pins an
 * SDK release that runs there, so on an operator's terminal the warning is noise in the middle of
 * a backup. It is switched off the SDK's own way (@aws-sdk/core: the variable
 * AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true) unless the user set that variable
 * either way. The SDK reads process.env itself, so this is the one place snapplan writes it.
 * The tests see the warning where they set the variable to "false" (test/ops/aws-sdk-warning.test.ts).
 */
export function quietAwsSdkNodeWarning(env: NodeJS.ProcessEnv = process.env): void {
  env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
}
