package dev.berth.auth;

import java.util.Optional;

/**
 * An external token issuer of the rules file: its {@code iss}, the audience its tokens must name
 * (so a token minted for another service is refused), and where its public keys are (a JWKS file,
 * or a JWKS URL such as {@code https://token.actions.githubusercontent.com/.well-known/jwks}).
 */
public record IssuerSpec(String name, String issuer, String audience, Optional<String> jwksFile, Optional<String> jwksUrl) {}
