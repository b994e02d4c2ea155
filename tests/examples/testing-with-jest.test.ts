// The Jest example is itself a test file; importing it here runs its tests in CI (jest's roots exclude examples/).
import '../../examples/testing-with-jest/greeter.test';
