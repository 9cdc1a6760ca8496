/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Throw-away RSA keys for the unit tests (generated once with
 * `openssl genpkey`; RSA key generation under valgrind takes seconds).
 * They sign nothing outside the tests.
 */
#ifndef ATTLS_TESTS_TEST_KEYS_H
#define ATTLS_TESTS_TEST_KEYS_H

static const char attls_test_rsa2048_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDOvIiMeHj0Abdp\n"
    "wVS0jOn/joscpEobekZFHli5wez6j4Y99UhjABWeOugM9325CpYTj9xncre05Fv1\n"
    "+JDwOgajAKrJrSeludDAVwAvXhCkxi6PN/aADncKrmV57d/RHSFSaPUn1QJze68q\n"
    "0uWkBrQxVWrdGO8Qssfx+zTthHc5Q6DtU9FXWApsT7aavRApo16NTb7wPbgOwNyl\n"
    "qWp4KJTItjJNvCA+azQgKTEScIQkDuTg3qQ+eF5XDQzyOidSWskdv3qwilL3Z0a8\n"
    "1NS1Hu47iASYZQgf4f+i3cjTZDNpQdP49F8a3jwXEC67tJho/747IEfkTHjrKrm1\n"
    "StJIxmAfAgMBAAECggEARk8fP2q/c/jbeGeMV8Uu1b+UNx72pyasHFioQzCdWE+U\n"
    "j6DKSAUg1QninnpTMynTBX8hLbt5l9csIViybkjFtg0FiIZPnBC4WpmcEf/zOB7A\n"
    "eevF9SI2QRczosaQHm3CReU1LyFF7qGLXsyP1fuDr92FdQFEWND8qCLPitHIvFvT\n"
    "Z27gJw5039yPQQwfp5h2E4RDayNtknYNuMrh3YLBlvwSNR5z7nNLjbWz4/NR+ZCZ\n"
    "DTKr5eysK33XoAvp1CbsyC5qaC4n5QIll8a2MogK8p1rEiCm7El3e3EdgUeaxJwA\n"
    "y3oO92gQVLBCO2mYTLN3Ej/EbGch3RqkpKCH/LixzQKBgQD05ak0K6Q4yCU1r7MV\n"
    "H56q5NNIqQGDoAaF91COAgqMIxGUH/a4SbtRBXsAOduYmOQc0ePsJnYzCKyaxpO5\n"
    "F+A6Rh37yPZlMHp5EZtKO3fEjsoHuh/7JuwnEE3+lDRhzzJJM2UNRLATG29Fonuz\n"
    "+aCNOZC0ImXDiSZvEOI1g7976wKBgQDYG/hUzMEXa1RfoB5vNYxJ/VHU+raSTomj\n"
    "DqjdAhkydsAqC1RLPKAbDRziLavi/moLKpO5sG9Z/+OGk4JviXx7i4efgXr4LO3u\n"
    "/uCwAIh2LfPakMdSRzbHDVNwVPZmplvcNixqpXCxvCs2F1uYFIW2JACxSoMSh5BG\n"
    "6AAP5OLjnQKBgQCkbes89yxtX5z0PgMs5K0hK0DdoXQ9z11x54szvhUc4JL19Lww\n"
    "InldviNHFJHoFIfc/eRd87kbLPDPfxNCjNBl8BxDqTwe1vz0eyjcH6+bzw/BPmwo\n"
    "soqO8/iaPSIqpfaqhZKM5Rify6TbiWwrfCkbiZIqEIppTpX6rshjjBEufwKBgBTp\n"
    "sABUyCLCCiouzoMohWjrkK2xjVVfMEaNNp4cg9+0SihHbGLTfRLhE/h3Pvj6cbye\n"
    "5CjGACCPeK8fOzIb9eXmvLscxo+ZmXTVSVz+0DXPgJeYBxHZPl3I1lg6gJWyZ5VJ\n"
    "0MaJN/ybHvtfC0gORFo55a9CbKiwYa/a55aiKaqpAoGAJ+ERTTAJwYxq69dxsZ/V\n"
    "0Hc/xapRgdvbcN21pw5cOdWIojJPqQvf7yNkghP6VV9lIC5q/gBG3wpLBv5ptaHK\n"
    "+TBbClkLiiirJebMWUptDgWRxQAjdzSh3cJoX949j/Js+eObESPG5nZfTWPyEnF/\n"
    "YSWkLKm+jQy+hbURGtxQMqw=\n"
    "-----END PRIVATE KEY-----\n";

static const char attls_test_rsa1024_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIICdQIBADANBgkqhkiG9w0BAQEFAASCAl8wggJbAgEAAoGBAKafrO1nIz6licy9\n"
    "T0DIRtP0v+R6W4MLAvfzIEQ/bW8DwxX46H3DXXrWtS6toETvLAxgrTqdKJRlOA3E\n"
    "Gug5XvXOCx9qu1vC/bWck1fImYm6aj79EociHd3nzi40p5bHVAuRnCdnr5/pZwib\n"
    "Nn9WZQihv9Xe7lbnigj8bFoghDmhAgMBAAECgYBOGT22sMcGUBT80CbbmIQKSQfA\n"
    "kdFe5MRpb53KH2itxjekjtx6Rh4Eu6qEzID4jpo42v+XH56rn53cZfSusGVfU612\n"
    "Z7jY+JigsaW+mo5eAT68zjSdM/EU0u0YNePSb1s4MP+rezMykmEusw6VugcBp6s8\n"
    "n+Jl3Gkx4ZlR3uIQoQJBAM8tU6pzdh6HsDkUTeJp3RvwTC2TAEChpf32emabgP1V\n"
    "fQJ7e9KoY9QS5ak/s5kXrBIk9UkprOc/nGWSgNyh7gUCQQDN49Q1XIJfuf+ArYXf\n"
    "E+JtABLOBQHVjHrRV3fGrga6bffH4emDI1rnz6KzlSZOknxB5HrJJXj1NuukEz18\n"
    "lpPtAkA0vrh3Q9AFs8vkrEur4gHd9A6g57T/v2fQQWkmKF7toE8kS6XZmu9Xdbws\n"
    "m8AwsLspH2mnR8nyUdqSbXsLMNq1AkBIaqj6N9aXaulmTiI3C1xpsEvs8K/rd6S/\n"
    "Ov+i/xTYv9MWF+y1NltEC7ETbxNxMW7JEl7pnueDgFSzehz3VFMlAkABHVXOvpM9\n"
    "VH/wKvVGIWHjJet2dxoruQo3dgiTQ3s703fb53bQ7R7ZQKUttFhSOX3koFUY+r60\n"
    "f7fAPi+7j0gT\n"
    "-----END PRIVATE KEY-----\n";

#endif
