package export

// DecodePathForTest exposes decodePath to the external tests.
var DecodePathForTest = decodePath
