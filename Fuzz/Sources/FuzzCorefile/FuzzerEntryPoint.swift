import FuzzerDriver

/// The executable's `main`, renamed by SwiftPM; libFuzzer's driver runs the target.
@_cdecl("FuzzCorefile_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, testing: { corefileFuzzTarget($0, $1) })
}
