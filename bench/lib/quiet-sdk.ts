// Imported first by every benchmark: the AWS SDK warns about Node 20 when its first client is built,
// which would interleave with the printed figures.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
