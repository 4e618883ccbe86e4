// calls.mjs: the published @audius/sdk, as a listener app uses it, against a
// Discovery server. sdk_test.go runs it once with every call in one process:
//
//   node calls.mjs SDK_DIR BASE_URL PARAMS_JSON OUT_FILE
//
// SDK_DIR is the npm project holding node_modules/@audius/sdk (the cache
// script/sdktest-install fills); PARAMS_JSON names the ids to ask for. Each
// call's outcome is written to OUT_FILE as JSON, one entry per call, so a
// failing call never hides the others: the decoded value, or the error and
// its HTTP status, and in both cases the required fields of the SDK's
// generated models that our answer left out ("gaps"). The SDK logs to stdout
// and stderr, hence the separate file.
import { createRequire } from 'node:module'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

const [sdkDir, baseURL, paramsJSON, outFile] = process.argv.slice(2)
if (!outFile) {
  console.error('usage: node calls.mjs SDK_DIR BASE_URL PARAMS_JSON OUT_FILE')
  process.exit(2)
}
const params = JSON.parse(paramsJSON)
// fieldCache memoises modelFields; declared before the top-level awaits use it.
const fieldCache = new Map()

// Resolve the package from SDK_DIR through its own export map, as an app's
// `import '@audius/sdk'` would from there.
const require = createRequire(join(sdkDir, 'package.json'))
const pkgPath = require.resolve('@audius/sdk/package.json')
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'))
const SDK = await import(pathToFileURL(join(dirname(pkgPath), pkg.exports['.'].import)).href)

// 16.0.0's sdk() ignores its own apiEndpoint option: it takes the API base
// from developmentConfig.network.apiEndpoint when environment is
// 'development' (productionConfig otherwise). Both are exported, mutable
// objects, so pointing the development one at us is all it takes.
SDK.developmentConfig.network.apiEndpoint = baseURL
const audius = SDK.sdk({ appName: 'discovery-sdktest', environment: 'development' })

// The calls, with the SDK method that makes each. The raw variant is used so
// that a decode failure can be told from an HTTP one; value() is what the
// plain method returns.
const calls = [
  ['users.getUser', audius.users, 'getUserRaw', { id: params.userId }],
  ['users.getUserByHandle', audius.users, 'getUserByHandleRaw', { handle: params.handle }],
  ['users.searchUsers', audius.users, 'searchUsersRaw', { query: params.query }],
  ['users.getFollowers', audius.users, 'getFollowersRaw', { id: params.userId }],
  ['users.getTracksByUser', audius.users, 'getTracksByUserRaw', { id: params.userId }],
  ['tracks.getTrack', audius.tracks, 'getTrackRaw', { trackId: params.trackId }],
  ['tracks.getTrendingTracks', audius.tracks, 'getTrendingTracksRaw', {}],
  ['playlists.getPlaylist', audius.playlists, 'getPlaylistRaw', { playlistId: params.playlistId }]
]

const out = { sdkVersion: pkg.version, node: process.version, baseURL, calls: {} }

// The SDK's constructor starts a StorageNodeSelector that reads
// /health_check for data.network.content_nodes without awaiting it; do the
// same read here, awaited, so its outcome is reported too.
{
  const selector = new SDK.StorageNodeSelector({ endpoint: baseURL, logger: new SDK.Logger({ logLevel: 'error' }) })
  try {
    await selector.updateAvailableStorageNodes(baseURL)
    out.calls['storageNodeSelector.health_check'] = { ok: Array.isArray(selector.nodes), value: { nodes: selector.nodes } }
  } catch (e) {
    out.calls['storageNodeSelector.health_check'] = { ok: false, error: await describe(e) }
  }
}

for (const [name, api, method, args] of calls) {
  const entry = { args }
  out.calls[name] = entry
  let raw
  try {
    raw = await api[method](args)
  } catch (e) {
    entry.ok = false
    entry.error = await describe(e)
    continue
  }
  const body = await raw.raw.clone().json().catch(() => undefined)
  const model = responseModel(api[method])
  if (body !== undefined && model) entry.gaps = gaps(body, model)
  try {
    entry.value = await raw.value()
    entry.ok = true
  } catch (e) {
    entry.ok = false
    entry.error = { kind: 'decode', model, message: String(e && e.message) }
  }
}

writeFileSync(outFile, JSON.stringify(out, null, 2))

// describe turns an SDK error into what the Go test reports.
async function describe (e) {
  if (e && e.name === 'ResponseError' && e.response) {
    const body = await e.response.text().catch(() => '')
    return { kind: 'http', status: e.response.status, message: e.message, body: body.slice(0, 500) }
  }
  return { kind: (e && e.name) || 'error', message: String(e && e.message), cause: String(e && e.cause) }
}

// responseModel reads which generated model a raw method decodes with, from
// its source: `new JSONApiResponse(response, jsonValue => XFromJSON(jsonValue))`.
function responseModel (fn) {
  const m = /jsonValue\s*=>\s*(\w+)FromJSON\(jsonValue\)/.exec(fn.toString())
  return m ? m[1] : undefined
}

// modelFields reads a generated model's fields from its XFromJSONTyped
// source, one `'camel': expr` line each: the wire name, whether the field is
// required (not guarded by exists()), the nested model, and whether decoding
// maps over it (then a missing value throws rather than decoding to
// undefined).
function modelFields (model) {
  if (fieldCache.has(model)) return fieldCache.get(model)
  const fn = SDK[model + 'FromJSONTyped']
  const fields = []
  if (typeof fn === 'function') {
    for (const line of fn.toString().split('\n')) {
      const m = /^\s*'(\w+)':\s*(.*?),?\s*$/.exec(line)
      if (!m) continue
      const wire = /json\['(\w+)'\]/.exec(m[2])
      if (!wire) continue
      const optional = /^!exists/.test(m[2])
      const nullable = /=== null \? null/.test(m[2])
      const arrayOf = /\.map\((\w+)FromJSON\)/.exec(m[2])
      const nested = /(\w+)FromJSON\(json\[/.exec(m[2])
      fields.push({
        wire: wire[1],
        required: !optional,
        nullable,
        fatal: !optional && !!arrayOf,
        model: arrayOf ? arrayOf[1] : nested ? nested[1] : undefined,
        array: !!arrayOf
      })
    }
  }
  fieldCache.set(model, fields)
  return fields
}

// gaps lists, once per model and field, the required fields the answer left
// out, with the first path where each was missing.
function gaps (body, model) {
  const found = new Map()
  const walk = (value, model, path) => {
    if (value === null || typeof value !== 'object') return
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, model, `${path}[${i}]`))
      return
    }
    for (const f of modelFields(model)) {
      const v = value[f.wire]
      const missing = v === undefined || (v === null && f.fatal && !f.nullable)
      if (f.required && missing) {
        const key = `${model}.${f.wire}`
        if (!found.has(key)) found.set(key, { model, field: f.wire, at: `${path}.${f.wire}`, fatal: f.fatal })
        continue
      }
      if (f.model && v !== undefined && v !== null) walk(v, f.model, `${path}.${f.wire}`)
    }
  }
  walk(body, model, '$')
  return [...found.values()]
}
