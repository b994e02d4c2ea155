export {
  describeFileSystemBehaviour, writeTree, STANDARD_SEED, type BehaviourOptions, type Expectation, type FileSystemUnderTest,
  type SeedTree, type TestApi, type TestkitCapabilities,
} from './suite';
