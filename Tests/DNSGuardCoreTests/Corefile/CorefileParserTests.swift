import DNSGuardCore
import Testing

@Suite struct CorefileParserTests {
    @Test func serverBlockWithSeveralKeysAndNestedBlocks() throws {
        let corefile = try Corefile.parse("""
            cluster.local:53 in-addr.arpa ip6.arpa {
                errors
                kubernetes cluster.local in-addr.arpa ip6.arpa {
                    pods insecure
                    fallthrough in-addr.arpa ip6.arpa
                }
                forward . /etc/resolv.conf {
                    max_concurrent 1000
                    prefer_udp
                }
                cache 30
            }
            """)
        let block = try #require(corefile.serverBlocks.first)
        #expect(corefile.serverBlocks.count == 1)
        #expect(block.keys == ["cluster.local:53", "in-addr.arpa", "ip6.arpa"])
        #expect(block.name == "cluster.local:53 in-addr.arpa ip6.arpa")
        #expect(block.directives.map(\.name) == ["errors", "kubernetes", "forward", "cache"])
        #expect(block.directives.map(\.line) == [2, 3, 7, 11])
        let kubernetes = block.directives[1]
        #expect(kubernetes.arguments == ["cluster.local", "in-addr.arpa", "ip6.arpa"])
        #expect(kubernetes.block?.map(\.headline) == ["pods insecure", "fallthrough in-addr.arpa ip6.arpa"])
        let forward = block.directives[2]
        #expect(forward.arguments == [".", "/etc/resolv.conf"])
        #expect(forward.block?.map(\.name) == ["max_concurrent", "prefer_udp"])
        #expect(forward.subdirectives(named: "prefer_udp").first?.line == 9)
        #expect(block.directives[3].block == nil)
    }

    @Test(arguments: [
        (".:53", nil, ".", "53"),
        ("dns://.:5353", "dns", ".", "5353"),
        ("cluster.local:53", nil, "cluster.local", "53"),
        ("[::1]:53", nil, "::1", "53"),
        ("tls://example.org:853", "tls", "example.org", "853"),
        ("in-addr.arpa", nil, "in-addr.arpa", nil),
        ("__PILLAR__DNS__DOMAIN__:53", nil, "__PILLAR__DNS__DOMAIN__", "53"),
    ] as [(String, String?, String, String?)])
    func serverKeysSplitIntoSchemeZoneAndPort(raw: String, scheme: String?, zone: String, port: String?) throws {
        let corefile = try Corefile.parse("\(raw) {\n    whoami\n}\n")
        let key = try #require(corefile.serverBlocks.first?.serverKeys.first)
        #expect(key.raw == raw)
        #expect(key.scheme == scheme)
        #expect(key.zone == zone)
        #expect(key.port == port)
    }

    @Test func severalServerBlocksKeepTheirOrderAndLines() throws {
        let corefile = try Corefile.parse("""
            .:53 {
                forward . 8.8.8.8
            }

            example.org:5353 {
                whoami
            }
            """)
        #expect(corefile.serverBlocks.map(\.keys) == [[".:53"], ["example.org:5353"]])
        #expect(corefile.serverBlocks.map(\.line) == [1, 5])
    }

    @Test func commentsAreNotDirectives() throws {
        let corefile = try Corefile.parse("""
            # a comment before the block { with a brace
            .:53 { # opening
                forward . 10.0.0.10 { # upstream
                    # force_tcp
                    prefer_udp # force_tcp
                }
                cache 30#trailing
            }
            """)
        let block = try #require(corefile.serverBlocks.first)
        #expect(block.directives.map(\.headline) == ["forward . 10.0.0.10", "cache 30"])
        #expect(block.directives[0].block?.map(\.headline) == ["prefer_udp"])
        #expect(block.directives[0].block?.first?.line == 5)
    }

    @Test func quotedTokensKeepSpacesAndEscapedQuotes() throws {
        let corefile = try Corefile.parse(#"""
            .:53 {
                template IN TXT . {
                    answer "{{ .Name }} 60 IN TXT \"hello world\""
                }
                rewrite name "{" "path\with\backslash"
            }
            """#)
        let block = try #require(corefile.serverBlocks.first)
        #expect(block.directives[0].block?.first?.arguments == [#"{{ .Name }} 60 IN TXT "hello world""#])
        #expect(block.directives[1].arguments == ["name", "{", #"path\with\backslash"#])
        #expect(block.directives[1].block == nil)
    }

    @Test func quotedTokenSpanningLinesKeepsLaterLineNumbers() throws {
        let corefile = try Corefile.parse(".:53 {\n    hosts {\n        \"10.0.0.1\nexample\"\n    }\n    cache 30\n}\n")
        let block = try #require(corefile.serverBlocks.first)
        #expect(block.directives.map(\.name) == ["hosts", "cache"])
        #expect(block.directives[0].block?.first?.name == "10.0.0.1\nexample")
        #expect(block.directives[1].line == 6)
    }

    @Test func backslashAtLineEndContinuesTheLine() throws {
        let corefile = try Corefile.parse(".:53 {\n    forward . 10.0.0.1 \\\n        10.0.0.2\\\n        10.0.0.3\n    cache 30\n}\n")
        let block = try #require(corefile.serverBlocks.first)
        #expect(block.directives.map(\.headline) == ["forward . 10.0.0.1 10.0.0.2 10.0.0.3", "cache 30"])
        #expect(block.directives.map(\.line) == [2, 5])
    }

    @Test func tabsCRLFAndOddIndentation() throws {
        let text = "\u{FEFF}.:53\t{\r\n\terrors\r\n  \t   forward\t.\t10.0.0.10 {\r\n force_tcp\r\n\t\t}\r\ncache   30\r\n}\r\n"
        let corefile = try Corefile.parse(text)
        let block = try #require(corefile.serverBlocks.first)
        #expect(block.keys == [".:53"])
        #expect(block.directives.map(\.headline) == ["errors", "forward . 10.0.0.10", "cache 30"])
        #expect(block.directives[1].block?.first?.name == "force_tcp")
        #expect(block.directives[1].block?.first?.line == 4)
    }

    @Test func placeholdersAreOrdinaryTokens() throws {
        let corefile = try Corefile.parse("""
            {$ZONE}:53 {%PORT%} {
                bind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__
                forward . __PILLAR__CLUSTER__DNS__ {
                    force_tcp
                }
                forward . __PILLAR__UPSTREAM__SERVERS__
                log {$LOG_FORMAT}
            }
            """)
        let block = try #require(corefile.serverBlocks.first)
        #expect(block.keys == ["{$ZONE}:53", "{%PORT%}"])
        #expect(block.directives.map(\.headline) == [
            "bind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__", "forward . __PILLAR__CLUSTER__DNS__",
            "forward . __PILLAR__UPSTREAM__SERVERS__", "log {$LOG_FORMAT}",
        ])
    }

    @Test func oneLineBlocksAndCommaSeparatedKeys() throws {
        let corefile = try Corefile.parse("""
            example.org:53,
              example.net:53 {
                forward . 10.0.0.10 { force_tcp }
                cache 30 }
            """)
        let block = try #require(corefile.serverBlocks.first)
        #expect(block.keys == ["example.org:53", "example.net:53"])
        #expect(block.directives.map(\.headline) == ["forward . 10.0.0.10", "cache 30"])
        #expect(block.directives[0].block?.map(\.name) == ["force_tcp"])
    }

    @Test func serverBlockWithoutBracesRunsToTheEnd() throws {
        let corefile = try Corefile.parse(".:53\nforward . 8.8.8.8\ncache\n")
        #expect(corefile.serverBlocks.first?.directives.map(\.name) == ["forward", "cache"])
    }

    @Test func snippetsAreSplicedWhereImported() throws {
        let corefile = try Corefile.parse("""
            (upstream) {
                forward . 10.0.0.10 {
                    force_tcp
                }
            }
            (common) {
                errors
                import upstream
            }
            .:53 {
                import common
                cache 30
            }
            example.org {
                import upstream
            }
            """)
        #expect(corefile.snippetNames == ["upstream", "common"])
        #expect(corefile.serverBlocks.map(\.keys) == [[".:53"], ["example.org"]])
        let first = corefile.serverBlocks[0]
        #expect(first.directives.map(\.name) == ["errors", "forward", "cache"])
        #expect(first.directives[1].line == 2)
        #expect(first.directives[1].snippet == CorefileSnippetUse(name: "upstream", importLine: 11))
        #expect(first.directives[1].block?.first?.line == 3)
        #expect(first.directives[2].snippet == nil)
        #expect(corefile.serverBlocks[1].directives.map(\.name) == ["forward"])
        #expect(corefile.imports.isEmpty)
    }

    @Test func importRightAfterAnOpeningBraceIsAnImport() throws {
        let corefile = try Corefile.parse("(log) {\n    log\n}\n.:53 { import log\n    cache\n}\n")
        #expect(corefile.serverBlocks.first?.directives.map(\.name) == ["log", "cache"])
    }

    @Test func snippetImportedAtTopLevelCanHoldServerBlocks() throws {
        let corefile = try Corefile.parse("""
            (zones) {
                example.org {
                    whoami
                }
            }
            import zones
            .:53 {
                cache
            }
            """)
        #expect(corefile.serverBlocks.map(\.keys) == [["example.org"], [".:53"]])
    }

    @Test func fileImportsStayImportDirectives() throws {
        let corefile = try Corefile.parse("""
            .:53 {
                errors
                import /etc/coredns/custom/*.override
                cache 30
            }
            import /etc/coredns/custom/*.server
            """)
        let block = try #require(corefile.serverBlocks.first)
        #expect(block.directives.map(\.headline) == ["errors", "import /etc/coredns/custom/*.override", "cache 30"])
        #expect(block.hasUnresolvedImport)
        #expect(corefile.imports == [
            CorefileImport(pattern: "/etc/coredns/custom/*.override", line: 3, serverBlockKeys: [".:53"]),
            CorefileImport(pattern: "/etc/coredns/custom/*.server", line: 6, serverBlockKeys: nil),
        ])
    }

    @Test func blockBodyParsesWithoutKeys() throws {
        let corefile = try Corefile.parseBlockBody("""
            log
            forward example.com 10.0.0.53 {
                force_tcp
            }
            """)
        let block = try #require(corefile.serverBlocks.first)
        #expect(block.keys.isEmpty)
        #expect(block.directives.map(\.name) == ["log", "forward"])
        #expect(block.directives[1].block?.first?.line == 3)
    }

    @Test(arguments: [
        (".:53 {\n    forward . 10.0.0.10 {\n        force_tcp\n    }\n", 1, "never closed"),
        (".:53 {\n    forward . 10.0.0.10 {\n        force_tcp\n\n", 2, "never closed"),
        (".:53 {\n    cache\n}\n}\n", 4, "unexpected '}'"),
        ("{\n    cache\n}\n", 1, "without a key"),
        (".:53 {\n    log \"unterminated\n    cache\n}\n", 2, "unterminated quoted string"),
        (".:53 {\n    {\n    }\n}\n", 2, "without a directive"),
        (".:53{\n    cache\n}\n", 1, "space before '{'"),
        ("(snip) {\n    cache\n}\n(snip) {\n    log\n}\n", 4, "defined twice"),
        ("(snip) {\n    cache\n", 1, "never closed"),
        (".:53 {\n    import\n}\n", 2, "exactly one argument"),
        (".:53 {\n    import a b\n}\n", 2, "exactly one argument"),
        ("a.org,\n", 1, "trailing comma"),
        (".:53 {\n    forward . 1.1.1.1 { force_tcp } prefer_udp\n}\n", 2, "after the '}'"),
    ] as [(String, Int, String)])
    func malformedInputIsAnErrorWithItsLine(text: String, line: Int, reason: String) {
        #expect {
            try Corefile.parse(text)
        } throws: { error in
            guard let error = error as? CorefileParseError else { return false }
            return error.line == line && error.reason.contains(reason)
        }
    }

    @Test func importCyclesAreDetected() {
        let text = """
            (a) {
                import b
            }
            (b) {
                import a
            }
            .:53 {
                import a
            }
            """
        // `a` is used before `b`... but `b` is defined when `a` expands, so the cycle a -> b -> a is real.
        #expect {
            try Corefile.parse(text)
        } throws: { error in
            (error as? CorefileParseError)?.reason.contains("import cycle between snippets: a -> b -> a") == true
        }
        #expect(throws: CorefileParseError.self) {
            try Corefile.parse("(self) {\n    import self\n}\n.:53 {\n    import self\n}\n")
        }
    }

    @Test func exponentialSnippetExpansionIsCapped() {
        var text = "(s0) {\n    cache\n    cache\n}\n"
        for level in 1...30 {
            text += "(s\(level)) {\n    import s\(level - 1)\n    import s\(level - 1)\n}\n"
        }
        text += ".:53 {\n    import s30\n}\n"
        #expect {
            try Corefile.parse(text)
        } throws: { error in
            (error as? CorefileParseError)?.reason.contains("expand too far") == true
        }
    }

    @Test func hostileNestingIsAnErrorNotACrash() {
        let depth = 50_000
        let text = ".:53 {\n" + String(repeating: "a {\n", count: depth) + String(repeating: "}\n", count: depth) + "}\n"
        #expect {
            try Corefile.parse(text)
        } throws: { error in
            (error as? CorefileParseError)?.reason.contains("nested more than") == true
        }
        let braces = String(repeating: "{ ", count: depth)
        #expect(throws: CorefileParseError.self) { try Corefile.parse(braces) }
    }

    @Test func oversizedInputIsAnErrorNotAMemoryHog() {
        let text = ".:53 {\n    hosts {\n" + String(repeating: "a ", count: 400_000) + "\n    }\n}\n"
        #expect {
            try Corefile.parse(text)
        } throws: { error in
            (error as? CorefileParseError)?.reason.contains("too large to be a Corefile") == true
        }
        // A large but real Corefile (thousands of inline hosts entries) still parses.
        let hosts = (1...20_000).map { "        10.1.\($0 / 256).\($0 % 256) host-\($0).corp.example.com\n" }.joined()
        #expect((try? Corefile.parse(".:53 {\n    hosts {\n" + hosts + "        fallthrough\n    }\n    cache\n}\n"))?
            .serverBlocks.first?.directives.first?.block?.count == 20_001)
    }

    @Test func emptyAndCommentOnlyTextHasNoServerBlocks() throws {
        #expect(try Corefile.parse("").serverBlocks.isEmpty)
        #expect(try Corefile.parse("# nothing here\n\n   \n").serverBlocks.isEmpty)
    }
}

@Suite struct CorefileParserRobustnessTests {
    /// A small deterministic generator, so a failure is reproducible from its seed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let pieces = [
        "{", "}", "{ ", " }", "\"", "\\", "\\\n", "#", "\n", "\r\n", " ", "\t", ".:53", "forward", ".", "force_tcp",
        "prefer_udp", "import", "(s)", "(t)", "s", "t", "cache", ",", "{$ENV}", "__PILLAR__DNS__SERVER__", "é", "\u{FEFF}",
    ]

    @Test(arguments: 0..<8)
    func randomTextParsesOrFailsWithALine(seed: Int) {
        var generator = SplitMix(state: UInt64(seed))
        for _ in 0..<500 {
            let count = Int.random(in: 0..<80, using: &generator)
            let text = (0..<count).map { _ in Self.pieces.randomElement(using: &generator)! }.joined()
            let lineCount = text.utf8.filter { $0 == UInt8(ascii: "\n") }.count + 1
            for asBody in [false, true] {
                do throws(CorefileParseError) {
                    let corefile = asBody ? try Corefile.parseBlockBody(text) : try Corefile.parse(text)
                    #expect(corefile.serverBlocks.allSatisfy { $0.line >= 1 })
                } catch {
                    #expect(error.line >= 1 && error.line <= max(lineCount, 1), "\(error) for \(text.debugDescription)")
                }
            }
            _ = CorefileLint.findings(key: "Corefile", text: text, platform: .ec2)
        }
    }
}
