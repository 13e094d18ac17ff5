export { FlagFileError } from './flagFileError.js';
export { convertFlagFiles, type ConvertOptions, type ConvertResult, type ConvertWarning, type FlagFile } from './convertFlagFiles.js';
