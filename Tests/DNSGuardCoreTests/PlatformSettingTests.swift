import DNSGuardCore
import Testing

@Suite struct PlatformSettingTests {
    @Test(arguments: [
        (PlatformSetting.ec2, Platform?.some(.ec2)),
        (.other, .some(.other)),
        (.auto, nil),
    ])
    func fixedPlatform(setting: PlatformSetting, expected: Platform?) {
        #expect(setting.fixed == expected)
    }
}
