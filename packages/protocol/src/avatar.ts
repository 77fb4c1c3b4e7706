/**
 * Avatar data format. An avatar is a JSON file: either a vector avatar (`kind: "vector"`, drawn from
 * colours and shape parameters) or an image avatar (`kind: "image"`, a portrait plus one mouth
 * image per viseme). The server validates the files with `parseAvatarDefinition` and serves them
 * to the SDK, which draws them on a canvas. `renderAvatarSvg` draws the neutral face for thumbnails.
 */
export * from './avatar-types.js';
export { parseAvatarDefinition, AvatarDefinitionError } from './avatar-parse.js';
export { buildAvatarScene, NEUTRAL_POSE, SCENE_SIZE } from './avatar-scene.js';
export type { AvatarPose, AvatarScene, SceneLayer, SceneShape, SceneRect } from './avatar-scene.js';
export { renderAvatarSvg, renderSceneSvg } from './avatar-svg.js';
export type { RenderAvatarSvgOptions } from './avatar-svg.js';
