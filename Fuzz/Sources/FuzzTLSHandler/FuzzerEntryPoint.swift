import FuzzerDriver

/// The executable's `main`, renamed by SwiftPM; libFuzzer's driver runs the target.
@_cdecl("FuzzTLSHandler_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, testing: { tlsHandlerFuzzTarget($0, $1) })
}
